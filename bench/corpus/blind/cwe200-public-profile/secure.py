"""Serialises member accounts for the public profile API."""

PUBLIC_FIELDS = ("handle", "display_name", "bio", "avatar_url", "joined_at")


def public_profile(account):
    """Return the data shown on a member's public profile page.

    account is the member's row from the accounts table (a dict). Anyone,
    signed in or not, can request /members/<handle>; the returned dict, which
    holds only the fields meant for the public page, is sent to them as the
    JSON body of that response.
    """
    profile = {field: account.get(field) for field in PUBLIC_FIELDS}
    if profile["joined_at"] is not None:
        profile["joined_at"] = profile["joined_at"].isoformat()
    return profile
