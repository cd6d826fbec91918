"""Serialises member accounts for the public profile API."""

PRIVATE_FIELDS = ("password_hash", "password_salt")


def public_profile(account):
    """Return the data shown on a member's public profile page.

    account is the member's row from the accounts table (a dict). Anyone,
    signed in or not, can request /members/<handle>; the returned dict is
    sent to them as the JSON body of that response.
    """
    profile = dict(account)
    for field in PRIVATE_FIELDS:
        profile.pop(field, None)
    if profile.get("joined_at") is not None:
        profile["joined_at"] = profile["joined_at"].isoformat()
    if profile.get("last_login_at") is not None:
        profile["last_login_at"] = profile["last_login_at"].isoformat()
    return profile
