"""Checkout quote endpoint: prices a basket before payment."""
from flask import Flask, abort, jsonify, request

app = Flask(__name__)

CATALOG_CENTS = {"MUG-01": 1299, "TEE-BLK-M": 2499, "CAP-07": 1799}
SHIPPING_CENTS = 495
MAX_QUANTITY = 50
MAX_LINES = 100


def _quantity(value):
    """Accept only a real integer between 1 and MAX_QUANTITY."""
    if isinstance(value, bool) or not isinstance(value, int):
        abort(400, "quantity must be an integer")
    if not 1 <= value <= MAX_QUANTITY:
        abort(400, "quantity out of range")
    return value


@app.route("/checkout/quote", methods=["POST"])
def checkout_quote():
    """Return the amount to charge for the posted basket.

    The shopper's browser posts {"items": [{"sku": ..., "quantity": ...}]}.
    Every quantity must be a whole number from 1 to 50. The returned
    total_cents is what the payment step charges the card.
    """
    payload = request.get_json(silent=True) or {}
    items = payload.get("items")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_LINES:
        abort(400)

    total = 0
    for item in items:
        if not isinstance(item, dict) or item.get("sku") not in CATALOG_CENTS:
            abort(400, "unknown product")
        total += CATALOG_CENTS[item["sku"]] * _quantity(item.get("quantity", 1))
    return jsonify(total_cents=total + SHIPPING_CENTS)
