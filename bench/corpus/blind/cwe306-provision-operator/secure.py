"""Provisioning API used by the deploy pipeline to create operator accounts."""
import hashlib
import hmac
import os
import re
import secrets
import sqlite3

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
app.config["OPS_DB"] = os.environ.get("OPS_DB", "ops.db")

USERNAME_RE = re.compile(r"[a-z][a-z0-9_-]{2,31}")


def _hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _pipeline_authenticated() -> bool:
    expected = os.environ.get("PROVISIONING_TOKEN", "")
    presented = request.headers.get("Authorization", "")
    if len(expected) < 32 or not presented.startswith("Bearer "):
        return False
    return hmac.compare_digest(presented[len("Bearer "):].encode(), expected.encode())


@app.post("/provision/operators")
def provision_operator():
    """Create an operator account with full administrative rights.

    The deploy pipeline posts JSON {"username": ..., "password": ...} and
    authenticates with the provisioning token (from the PROVISIONING_TOKEN
    environment variable) as a bearer token. The account is inserted into the
    operators table and can immediately log in to the operations console.
    """
    if not _pipeline_authenticated():
        abort(401)
    payload = request.get_json(silent=True) or {}
    username = str(payload.get("username", ""))
    password = str(payload.get("password", ""))
    if not USERNAME_RE.fullmatch(username) or len(password) < 12:
        abort(400)
    try:
        with sqlite3.connect(app.config["OPS_DB"]) as conn:
            conn.execute(
                "INSERT INTO operators (username, password_hash, is_admin) VALUES (?, ?, 1)",
                (username, _hash_password(password)),
            )
    except sqlite3.IntegrityError:
        abort(409)
    return jsonify({"username": username, "is_admin": True}), 201
