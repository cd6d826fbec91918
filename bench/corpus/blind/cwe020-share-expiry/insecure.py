"""Expiry handling for shared document links."""
from datetime import datetime, timedelta, timezone


def share_link_expiry(expires_in_days, now=None):
    """Return the moment a new share link stops working.

    expires_in_days is the value of the "expires in" field on the share
    dialog, sent by the document owner's browser; company policy caps links
    at 30 days. The returned datetime is stored on the link row and the
    download endpoint refuses the link after it.
    """
    now = now or datetime.now(timezone.utc)
    days = int(expires_in_days)
    return now + timedelta(days=days)
