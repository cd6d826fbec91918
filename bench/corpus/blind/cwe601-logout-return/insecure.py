"""Computes where the single sign-on service sends a user after logout."""
from urllib.parse import urlparse

DEFAULT_AFTER_LOGOUT = "https://www.example.com/"


def post_logout_location(return_to):
    """Return the URL to put in the Location header after logout.

    return_to is the ?return_to= parameter that a relying application adds
    to the logout link; anyone can build such a link. The returned value is
    sent as the Location of the 302 response that ends the logout.
    """
    if not return_to:
        return DEFAULT_AFTER_LOGOUT
    parsed = urlparse(return_to)
    if parsed.scheme not in ("http", "https"):
        return DEFAULT_AFTER_LOGOUT
    if not parsed.netloc.lower().endswith("example.com"):
        return DEFAULT_AFTER_LOGOUT
    return return_to
