"""Long-lived "remember me" logins for the community forum."""
import base64
import binascii
import json
import sqlite3
import time

REMEMBER_FOR_SECONDS = 30 * 24 * 3600


class RememberMe:
    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def issue(self, user_id: int) -> str:
        """Return the value for the remember_me cookie after a successful login."""
        payload = {"uid": user_id, "expires": int(time.time()) + REMEMBER_FOR_SECONDS}
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()

    def user_from_cookie(self, cookie_value):
        """Restore a login from the remember_me cookie.

        cookie_value is the raw cookie sent by the browser when it has no
        session. The returned user id (or None) is written into the session as
        the logged-in identity.
        """
        if not cookie_value:
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(cookie_value.encode()))
        except (binascii.Error, ValueError):
            return None
        if not isinstance(payload, dict):
            return None
        user_id, expires = payload.get("uid"), payload.get("expires")
        if not isinstance(user_id, int) or not isinstance(expires, int):
            return None
        if expires < time.time():
            return None
        row = self._conn.execute(
            "SELECT id FROM users WHERE id = ? AND active = 1", (user_id,)
        ).fetchone()
        return row[0] if row else None
