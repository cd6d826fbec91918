"""Signed, expiring download links for invoice PDFs."""
import hashlib
import hmac
import os
import time
from urllib.parse import urlencode

LINK_SECRET = os.environ.get("DOWNLOAD_LINK_SECRET", "").encode()


def _signature(invoice_path, expires):
    return hashlib.md5(LINK_SECRET + f"{invoice_path}:{expires}".encode()).hexdigest()


def signed_invoice_url(invoice_path, ttl_seconds=900):
    """Return a time-limited download URL for an invoice file.

    invoice_path is the stored path of the customer's own invoice, chosen by
    the billing service. The returned URL is e-mailed to the customer and
    the CDN edge checks it with verify_invoice_url before serving the file.
    """
    if not LINK_SECRET:
        raise RuntimeError("DOWNLOAD_LINK_SECRET is not configured")
    expires = int(time.time()) + int(ttl_seconds)
    query = urlencode({"p": invoice_path, "e": expires,
                       "s": _signature(invoice_path, expires)})
    return f"https://files.example.com/dl?{query}"


def verify_invoice_url(invoice_path, expires, signature):
    """Check a download request; all three values come from the URL query."""
    if not LINK_SECRET or int(expires) < time.time():
        return False
    return hmac.compare_digest(_signature(invoice_path, int(expires)), signature)
