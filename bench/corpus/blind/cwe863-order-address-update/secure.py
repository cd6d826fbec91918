"""Storefront API: customers may change the shipping address of pending orders."""
import hashlib
import os
import sqlite3

from flask import Flask, abort, g, jsonify, request

app = Flask(__name__)
app.config["ORDERS_DB"] = os.environ.get("ORDERS_DB", "orders.db")

ADDRESS_FIELDS = ("recipient", "street", "city", "postal_code", "country")


def db():
    if "conn" not in g:
        g.conn = sqlite3.connect(app.config["ORDERS_DB"])
    return g.conn


@app.teardown_appcontext
def _close(exc):
    if (conn := g.pop("conn", None)) is not None:
        conn.close()


@app.before_request
def load_customer():
    digest = hashlib.sha256(request.headers.get("X-Api-Key", "").encode()).hexdigest()
    row = db().execute("SELECT customer_id FROM api_keys WHERE key_sha256 = ? AND revoked = 0",
                       (digest,)).fetchone()
    if row is None:
        abort(401)
    g.customer_id = row[0]


@app.put("/api/orders/<int:order_id>/shipping-address")
def update_shipping_address(order_id):
    """Replace the shipping address of one of the caller's pending orders.

    The customer is identified by the X-Api-Key header; order_id comes from the
    URL and the new address from the JSON body; ownership comes from the stored
    order. The address goes to the orders table and onto the shipping label.
    """
    payload = request.get_json(silent=True) or {}
    owner = db().execute("SELECT customer_id FROM orders WHERE id = ?", (order_id,)).fetchone()
    if owner is None or owner[0] != g.customer_id:
        abort(404)
    address = {f: str(payload.get(f, "")).strip()[:200] for f in ADDRESS_FIELDS}
    if not all(address.values()):
        abort(400)
    cur = db().execute(
        "UPDATE orders SET ship_recipient = ?, ship_street = ?, ship_city = ?, "
        "ship_postal_code = ?, ship_country = ? "
        "WHERE id = ? AND customer_id = ? AND status = 'pending'",
        (*address.values(), order_id, g.customer_id),
    )
    if cur.rowcount == 0:
        abort(409)
    db().commit()
    return jsonify({"order_id": order_id, "shipping_address": address})
