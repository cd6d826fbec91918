"""Account settings page of the customer portal (session-cookie login)."""
import os
import re
import secrets
import sqlite3

from flask import Flask, abort, redirect, render_template_string, request, session

app = Flask(__name__)
app.secret_key = os.environ.get("PORTAL_SECRET_KEY") or secrets.token_hex(32)
app.config["PORTAL_DB"] = os.environ.get("PORTAL_DB", "portal.db")

EMAIL_RE = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")

PAGE = """<!doctype html>
<h1>Contact email</h1>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
<form method="post" action="/account/email">
  <input type="email" name="email" value="{{ email }}">
  <button type="submit">Save</button>
</form>"""


@app.route("/account/email", methods=["GET", "POST"])
def change_email():
    """Show and update the contact email of the logged-in customer.

    The customer is identified by the session cookie; on POST the new address
    comes from the "email" form field and is written to the users table, where
    password-reset mails are sent. GET renders the settings form.
    """
    user_id = session.get("user_id")
    if user_id is None:
        abort(401)
    with sqlite3.connect(app.config["PORTAL_DB"]) as conn:
        if request.method == "POST":
            new_email = request.form.get("email", "").strip().lower()
            if not EMAIL_RE.fullmatch(new_email):
                return render_template_string(PAGE, email=new_email, error="Invalid address"), 400
            conn.execute("UPDATE users SET email = ? WHERE id = ?", (new_email, user_id))
            return redirect("/account/email")
        row = conn.execute("SELECT email FROM users WHERE id = ?", (user_id,)).fetchone()
    return render_template_string(PAGE, email=row[0] if row else "", error=None)
