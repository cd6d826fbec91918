"""Builds the URL the storefront uses to ask a warehouse for stock levels."""
import re
from urllib.parse import quote

WAREHOUSE_APIS = {
    "ams": "https://stock-ams.internal.example",
    "dub": "https://stock-dub.internal.example",
    "fra": "https://stock-fra.internal.example",
}


def stock_lookup_url(warehouse_host, sku):
    """Return the stock API URL for one SKU at one warehouse.

    Both values come from the query string of the storefront's
    /availability?warehouse=...&sku=... endpoint. The warehouse value is a
    short code looked up in the server's own table, never a host name. The
    returned URL is fetched server-side by the inventory client with
    requests.get().
    """
    base = WAREHOUSE_APIS.get(warehouse_host.strip().lower())
    if base is None:
        raise ValueError("unknown warehouse")
    sku = sku.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,23}", sku):
        raise ValueError("malformed sku")
    return f"{base}/api/v2/stock/{quote(sku, safe='')}"
