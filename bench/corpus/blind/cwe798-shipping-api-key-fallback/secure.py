"""Client for the ShipFast rate-quote API used at checkout."""
import os
import re

import requests

SHIPFAST_BASE_URL = "https://api.shipfast.example.com/v2"
POSTCODE_RE = re.compile(r"[0-9]{5}")


def build_shipping_headers() -> dict:
    """Return the HTTP headers that authenticate us to ShipFast.

    The API key is taken only from the SHIPFAST_API_KEY environment variable
    set by the deployment; there is no built-in fallback. The returned dict is
    attached by the caller to every outgoing request to the ShipFast API (the
    Authorization header carries the API key).
    """
    api_key = os.environ.get("SHIPFAST_API_KEY", "").strip()
    if not api_key:
        raise RuntimeError("SHIPFAST_API_KEY is not configured")
    return {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}


def quote_rates(origin_postcode: str, dest_postcode: str, weight_grams: int) -> list:
    """Fetch shipping rates for the checkout page.

    The postcodes come from the shop's warehouse setting and the shopper's
    address form; the returned list of rates is shown as shipping options.
    """
    if not (POSTCODE_RE.fullmatch(origin_postcode) and POSTCODE_RE.fullmatch(dest_postcode)):
        raise ValueError("postcodes must be five digits")
    if not 0 < int(weight_grams) <= 70_000:
        raise ValueError("weight out of range")
    response = requests.post(
        f"{SHIPFAST_BASE_URL}/rates",
        json={"from": origin_postcode, "to": dest_postcode, "grams": int(weight_grams)},
        headers=build_shipping_headers(),
        timeout=10,
    )
    response.raise_for_status()
    return response.json().get("rates", [])
