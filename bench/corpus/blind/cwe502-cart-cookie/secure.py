"""Storefront mini-cart: the cart lives in a cookie between page views."""
import base64
import binascii
import json

from flask import Flask, jsonify, request

app = Flask(__name__)

PRICES_CENTS = {"TEA-GREEN-100": 650, "TEA-BLACK-250": 1190, "MUG-STONE": 1800}


@app.route("/cart/summary")
def cart_summary():
    """Return the priced contents of the visitor's cart.

    The visitor's browser sends the ``cart`` cookie, which /cart/add wrote as
    a base64-encoded mapping of SKU to quantity. Prices are looked up on the
    server. The JSON response is rendered by the mini-cart widget.
    """
    cookie_value = request.cookies.get("cart", "")
    try:
        cart = json.loads(base64.urlsafe_b64decode(cookie_value)) if cookie_value else {}
    except (binascii.Error, ValueError):
        cart = {}
    if not isinstance(cart, dict):
        cart = {}

    lines, total = [], 0
    for sku, quantity in cart.items():
        price = PRICES_CENTS.get(sku)
        if price is None or type(quantity) is not int:
            continue
        quantity = max(0, min(quantity, 99))
        lines.append({"sku": sku, "quantity": quantity, "cents": price * quantity})
        total += price * quantity
    return jsonify(lines=lines, total_cents=total)
