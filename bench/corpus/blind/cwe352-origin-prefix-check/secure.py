"""Notification preferences for the web app (session-cookie login)."""
import os
import secrets
import sqlite3
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, request, session

app = Flask(__name__)
app.secret_key = os.environ.get("APP_SECRET_KEY") or secrets.token_hex(32)
app.config["APP_DB"] = os.environ.get("APP_DB", "app.db")

APP_ORIGIN = ("https", "app.example.com", 443)
CHANNELS = ("email", "sms", "none")


def _origin_of(url: str):
    try:
        parts = urlsplit(url)
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return None
    return (parts.scheme, parts.hostname, port)


def is_trusted_origin(origin_header, referer_header) -> bool:
    """Decide whether a state-changing request was sent by our own pages.

    origin_header and referer_header are the request's Origin and Referer
    headers as sent by the browser. The scheme, host and port of the Origin
    (or, if absent, the Referer) must equal ours exactly; requests carrying
    neither header are refused. The boolean decides whether
    update_notifications() applies the change or answers 403.
    """
    source = origin_header or referer_header
    if not source or source == "null":
        return False
    return _origin_of(source) == APP_ORIGIN


@app.post("/settings/notifications")
def update_notifications():
    """Save the logged-in user's notification channel from the settings form."""
    user_id = session.get("user_id")
    if user_id is None:
        abort(401)
    if not is_trusted_origin(request.headers.get("Origin"), request.headers.get("Referer")):
        abort(403)
    channel = request.form.get("channel", "")
    forward_to = request.form.get("forward_to", "").strip()[:120]
    if channel not in CHANNELS:
        abort(400)
    with sqlite3.connect(app.config["APP_DB"]) as conn:
        conn.execute(
            "UPDATE notification_prefs SET channel = ?, forward_to = ? WHERE user_id = ?",
            (channel, forward_to, user_id),
        )
    return jsonify({"channel": channel, "forward_to": forward_to})
