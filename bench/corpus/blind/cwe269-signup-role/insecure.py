"""Self-service registration for the learning platform."""
import hashlib
import os
import re
import secrets
import sqlite3

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
app.config["LMS_DB"] = os.environ.get("LMS_DB", "lms.db")

EMAIL_RE = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")
KNOWN_ROLES = ("student", "instructor", "admin")


def _hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    return f"pbkdf2_sha256$600000${salt.hex()}${digest.hex()}"


@app.post("/api/register")
def register():
    """Create a new account from the public sign-up form.

    The browser posts JSON with email, password, display_name and role. The
    new row in the accounts table decides what the person can do on the
    platform from their first login.
    """
    data = request.get_json(silent=True) or {}
    email = str(data.get("email", "")).strip().lower()
    password = str(data.get("password", ""))
    display_name = str(data.get("display_name", "")).strip()[:80]
    role = str(data.get("role", "student"))
    if not EMAIL_RE.fullmatch(email) or len(password) < 10 or not display_name:
        abort(400)
    if role not in KNOWN_ROLES:
        abort(400)
    try:
        with sqlite3.connect(app.config["LMS_DB"]) as conn:
            cur = conn.execute(
                "INSERT INTO accounts (email, password_hash, display_name, role) "
                "VALUES (?, ?, ?, ?)",
                (email, _hash_password(password), display_name, role),
            )
    except sqlite3.IntegrityError:
        abort(409)
    return jsonify({"id": cur.lastrowid, "email": email, "role": role}), 201
