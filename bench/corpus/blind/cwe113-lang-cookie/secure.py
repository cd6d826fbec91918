"""Helpers for the storefront's language preference cookie."""

COOKIE_NAME = "site_lang"
ONE_YEAR = 365 * 24 * 3600
SUPPORTED_LANGS = frozenset({"en", "en-GB", "de", "fr", "it", "nl", "pt-BR"})


def language_cookie_header(lang):
    """Return the Set-Cookie header value that stores the visitor's language.

    lang comes from the ?lang= parameter of the language picker link and must
    be one of the languages the store is translated into. The returned string
    is added by the WSGI layer as a raw Set-Cookie response header.
    """
    lang = lang.strip()
    if lang not in SUPPORTED_LANGS:
        raise ValueError("unsupported language")
    return (f"{COOKIE_NAME}={lang}; Max-Age={ONE_YEAR}; Path=/; "
            "Secure; HttpOnly; SameSite=Lax")
