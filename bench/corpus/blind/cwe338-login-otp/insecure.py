"""Sends one-time sign-in codes by SMS."""
import os
import random
import re
import time

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
_rng = random.Random(os.urandom(32))
PENDING_CODES = {}   # phone -> (code, issued_at)
SMS_OUTBOX = []      # drained by the SMS gateway worker
CODE_TTL = 300


@app.route("/login/otp", methods=["POST"])
def send_login_code():
    """Generate a 6-digit sign-in code for a phone number and queue the SMS.

    The phone number is posted by the sign-in page as JSON {"phone": ...}.
    The code is kept server-side and delivered only by SMS; entering it on
    the next page signs the user in.
    """
    phone = (request.get_json(silent=True) or {}).get("phone", "")
    if not isinstance(phone, str) or not re.fullmatch(r"\+[1-9][0-9]{7,14}", phone):
        abort(400)
    previous = PENDING_CODES.get(phone)
    if previous and time.time() - previous[1] < 60:
        abort(429)
    code = f"{_rng.randint(0, 999_999):06d}"
    PENDING_CODES[phone] = (code, time.time())
    SMS_OUTBOX.append((phone, f"Your sign-in code is {code}"))
    return jsonify(status="sent", expires_in=CODE_TTL), 202
