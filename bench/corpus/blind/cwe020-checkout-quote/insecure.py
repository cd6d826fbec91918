"""Checkout quote endpoint: prices a basket before payment."""
from flask import Flask, abort, jsonify, request

app = Flask(__name__)

CATALOG_CENTS = {"MUG-01": 1299, "TEE-BLK-M": 2499, "CAP-07": 1799}
SHIPPING_CENTS = 495


@app.route("/checkout/quote", methods=["POST"])
def checkout_quote():
    """Return the amount to charge for the posted basket.

    The shopper's browser posts {"items": [{"sku": ..., "quantity": ...}]}.
    The returned total_cents is what the payment step charges the card.
    """
    payload = request.get_json(silent=True) or {}
    items = payload.get("items")
    if not isinstance(items, list) or not items:
        abort(400)

    total = 0
    for item in items:
        sku = item.get("sku")
        if sku not in CATALOG_CENTS:
            abort(400, "unknown product")
        quantity = int(item.get("quantity", 1))
        total += CATALOG_CENTS[sku] * quantity
    return jsonify(total_cents=total + SHIPPING_CENTS)
