"""Builds the URL the storefront uses to ask a warehouse for stock levels."""
from urllib.parse import quote


def stock_lookup_url(warehouse_host, sku):
    """Return the stock API URL for one SKU at one warehouse.

    Both values come from the query string of the storefront's
    /availability?warehouse=...&sku=... endpoint (the warehouse picker on
    the product page fills in the host). The returned URL is fetched
    server-side by the inventory client with requests.get().
    """
    warehouse_host = warehouse_host.strip()
    sku = sku.strip().upper()
    if not warehouse_host or not sku:
        raise ValueError("warehouse and sku are required")
    return f"https://{warehouse_host}/api/v2/stock/{quote(sku, safe='')}"
