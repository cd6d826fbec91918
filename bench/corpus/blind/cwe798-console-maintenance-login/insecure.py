"""Login check for the plant-floor operations console."""
import hashlib
import hmac
import sqlite3

MAINTENANCE_ACCOUNT = "svc-maint"
MAINTENANCE_PASSWORD = "Fl00r-Service!77"

# Used to spend the same work on unknown user names as on real ones.
_DUMMY_SALT = bytes(16)
_DUMMY_ITERATIONS = 200_000


def authenticate(conn: sqlite3.Connection, username: str, password: str):
    """Check console credentials.

    username and password come from the console's login form. Returns a dict
    describing the user, which the caller stores in the login session, or
    None when the credentials are wrong.
    """
    if hmac.compare_digest(username.encode(), MAINTENANCE_ACCOUNT.encode()) and \
            hmac.compare_digest(password.encode(), MAINTENANCE_PASSWORD.encode()):
        return {"id": 0, "username": MAINTENANCE_ACCOUNT, "role": "admin"}
    row = conn.execute(
        "SELECT id, username, role, pw_salt, pw_hash, pw_iterations "
        "FROM console_users WHERE username = ? AND locked = 0",
        (username,),
    ).fetchone()
    if row is None:
        hashlib.pbkdf2_hmac("sha256", password.encode(), _DUMMY_SALT, _DUMMY_ITERATIONS)
        return None
    user_id, name, role, salt, stored_hash, iterations = row
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), iterations)
    if not hmac.compare_digest(candidate.hex(), stored_hash):
        return None
    return {"id": user_id, "username": name, "role": role}
