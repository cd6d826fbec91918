"""Helpers for the storefront's language preference cookie."""

COOKIE_NAME = "site_lang"
ONE_YEAR = 365 * 24 * 3600


def language_cookie_header(lang):
    """Return the Set-Cookie header value that stores the visitor's language.

    lang comes from the ?lang= parameter of the language picker link. The
    returned string is added by the WSGI layer as a raw Set-Cookie response
    header.
    """
    lang = lang.strip()
    if not lang or ";" in lang or "," in lang or " " in lang:
        raise ValueError("invalid language tag")
    return (f"{COOKIE_NAME}={lang}; Max-Age={ONE_YEAR}; Path=/; "
            "Secure; HttpOnly; SameSite=Lax")
