"""Access rules for the internal staff dashboard (single sign-on users)."""

STAFF_EMAIL_DOMAIN = "northwind-trading.com"


def is_staff_account(id_token_claims: dict) -> bool:
    """Decide whether a signed-in user may open the internal staff dashboard.

    id_token_claims are the claims of an ID token whose signature was already
    verified by the login flow. The "email" claim is whatever address the
    account holder registered and verified with the public identity provider.
    The returned boolean is used by require_staff() to allow or refuse access.
    """
    if id_token_claims.get("email_verified") is not True:
        return False
    email = str(id_token_claims.get("email", "")).strip().lower()
    return email.endswith(STAFF_EMAIL_DOMAIN)


def require_staff(id_token_claims: dict) -> str:
    """Gate used by every staff dashboard view; returns the staff email."""
    if not is_staff_account(id_token_claims):
        raise PermissionError("staff dashboard is restricted to company accounts")
    return str(id_token_claims["email"]).strip().lower()
