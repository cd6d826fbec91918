"""Account administration endpoints for the support console API."""
import hashlib
import os
import sqlite3

from flask import Flask, abort, g, jsonify, request

app = Flask(__name__)
app.config["DATABASE"] = os.environ.get("CONSOLE_DB", "console.db")


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(exc):
    if (db := g.pop("db", None)) is not None:
        db.close()


def current_user():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    digest = hashlib.sha256(header[len("Bearer "):].encode()).hexdigest()
    return get_db().execute(
        "SELECT u.id, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_sha256 = ? AND u.disabled = 0", (digest,)).fetchone()


@app.post("/admin/accounts/<int:account_id>/disable")
def disable_account(account_id):
    """Disable a customer account from the support console.

    The caller authenticates with a bearer token in the Authorization header;
    account_id comes from the URL and the JSON body may carry a "reason".
    Only administrators may do this. The change goes to the users table, the
    reason to the audit table.
    """
    user = current_user()
    if user is None:
        abort(401)
    if user["role"] != "admin":
        abort(403)
    reason = str((request.get_json(silent=True) or {}).get("reason", ""))
    db = get_db()
    cur = db.execute("UPDATE users SET disabled = 1 WHERE id = ?", (account_id,))
    if cur.rowcount == 0:
        abort(404)
    db.execute(
        "INSERT INTO audit (actor_id, action, target_id, note) VALUES (?, ?, ?, ?)",
        (user["id"], "disable_account", account_id, reason[:500]),
    )
    db.commit()
    return jsonify({"account_id": account_id, "disabled": True})
