"""Newsletter sign-up: validate and normalise a subscriber's address."""
import re

_ADDRESS = re.compile(
    r"^([a-zA-Z0-9_.+-]+)*@([a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}$"
)


def clean_newsletter_address(email_address):
    """Validate a sign-up address and return it in canonical form.

    ``email_address`` is whatever a visitor typed into the public newsletter
    form. The returned, lower-cased domain form is stored in the subscriber
    table and later used as the To: address of the mailing. Raises
    ValueError when the address is not acceptable.
    """
    candidate = email_address.strip()
    if not _ADDRESS.match(candidate):
        raise ValueError("please enter a valid e-mail address")

    local_part, _, domain = candidate.rpartition("@")
    return "%s@%s" % (local_part, domain.lower())
