"""Computes where the single sign-on service sends a user after logout."""
from urllib.parse import urlsplit

DEFAULT_AFTER_LOGOUT = "https://www.example.com/"
RELYING_HOSTS = frozenset({
    "www.example.com",
    "shop.example.com",
    "support.example.com",
})


def post_logout_location(return_to):
    """Return the URL to put in the Location header after logout.

    return_to is the ?return_to= parameter that a relying application adds
    to the logout link; anyone can build such a link. Only https URLs on a
    registered relying host are honoured. The returned value is sent as the
    Location of the 302 response that ends the logout.
    """
    if not return_to or any(ord(ch) < 0x21 or ch == "\\" for ch in return_to):
        return DEFAULT_AFTER_LOGOUT
    parts = urlsplit(return_to)
    if parts.scheme != "https" or parts.username or parts.password:
        return DEFAULT_AFTER_LOGOUT
    if parts.hostname not in RELYING_HOSTS or parts.port not in (None, 443):
        return DEFAULT_AFTER_LOGOUT
    return return_to
