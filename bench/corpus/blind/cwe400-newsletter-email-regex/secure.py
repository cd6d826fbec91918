"""Newsletter sign-up: validate and normalise a subscriber's address."""
import re

MAX_ADDRESS_LENGTH = 254

# Every repetition is bounded and the pieces are separated by literal '@'
# and '.', so matching time grows linearly with the (capped) input length.
_ADDRESS = re.compile(
    r"[A-Za-z0-9_.+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}"
)


def clean_newsletter_address(email_address):
    """Validate a sign-up address and return it in canonical form.

    ``email_address`` is whatever a visitor typed into the public newsletter
    form. The returned, lower-cased domain form is stored in the subscriber
    table and later used as the To: address of the mailing. Raises
    ValueError when the address is not acceptable.
    """
    candidate = email_address.strip()
    if len(candidate) > MAX_ADDRESS_LENGTH or not _ADDRESS.fullmatch(candidate):
        raise ValueError("please enter a valid e-mail address")

    local_part, _, domain = candidate.rpartition("@")
    return "%s@%s" % (local_part, domain.lower())
