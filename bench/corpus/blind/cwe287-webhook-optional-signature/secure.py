"""Receiver for payment-provider webhooks."""
import hashlib
import hmac
import json
import os
import sqlite3
import time

from flask import Flask, abort, request

app = Flask(__name__)
app.config["SHOP_DB"] = os.environ.get("SHOP_DB", "shop.db")

MAX_CLOCK_SKEW = 300


def _webhook_secret() -> bytes:
    secret = os.environ.get("PAYMENTS_WEBHOOK_SECRET", "")
    if not secret:
        raise RuntimeError("PAYMENTS_WEBHOOK_SECRET is not configured")
    return secret.encode()


def _mark_paid(order_id: int, amount_cents: int) -> None:
    with sqlite3.connect(app.config["SHOP_DB"]) as conn:
        conn.execute(
            "UPDATE orders SET status = 'paid' WHERE id = ? AND total_cents = ?",
            (order_id, amount_cents),
        )


@app.post("/webhooks/payments")
def payment_webhook():
    """Handle a payment event pushed by the payment provider.

    The provider sends the JSON event as the body, a Unix timestamp in
    X-Payments-Timestamp and an HMAC-SHA256 of "<timestamp>.<body>" in
    X-Payments-Signature. Requests without a valid, fresh signature are
    rejected. A payment.succeeded event marks the order as paid in the shop
    database, which releases it for shipping.
    """
    body = request.get_data()
    signature = request.headers.get("X-Payments-Signature", "")
    timestamp = request.headers.get("X-Payments-Timestamp", "")
    if not signature or not timestamp.isdigit():
        abort(401)
    if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
        abort(401)
    signed = timestamp.encode() + b"." + body
    expected = hmac.new(_webhook_secret(), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        abort(401)
    try:
        event = json.loads(body)
    except ValueError:
        abort(400)
    if event.get("type") == "payment.succeeded":
        data = event.get("data") or {}
        _mark_paid(int(data["order_id"]), int(data["amount_cents"]))
    return "", 204
