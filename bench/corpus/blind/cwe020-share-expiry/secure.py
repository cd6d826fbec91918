"""Expiry handling for shared document links."""
from datetime import datetime, timedelta, timezone

MAX_SHARE_DAYS = 30


def share_link_expiry(expires_in_days, now=None):
    """Return the moment a new share link stops working.

    expires_in_days is the value of the "expires in" field on the share
    dialog, sent by the document owner's browser; company policy caps links
    at 30 days, enforced here. The returned datetime is stored on the link
    row and the download endpoint refuses the link after it.
    """
    now = now or datetime.now(timezone.utc)
    text = str(expires_in_days).strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError("expiry must be a whole number of days")
    days = int(text)
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise ValueError(f"expiry must be between 1 and {MAX_SHARE_DAYS} days")
    return now + timedelta(days=days)
