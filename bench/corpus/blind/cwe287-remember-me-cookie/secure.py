"""Long-lived "remember me" logins for the community forum."""
import hashlib
import hmac
import secrets
import sqlite3
import time

REMEMBER_FOR_SECONDS = 30 * 24 * 3600


def _digest(validator: str) -> str:
    return hashlib.sha256(validator.encode()).hexdigest()


class RememberMe:
    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def issue(self, user_id: int) -> str:
        """Return the value for the remember_me cookie after a successful login.

        The cookie is "<selector>:<validator>"; only a hash of the random
        validator is stored server-side.
        """
        selector, validator = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
        with self._conn:
            self._conn.execute(
                "INSERT INTO remember_tokens (selector, validator_sha256, user_id, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (selector, _digest(validator), user_id, int(time.time()) + REMEMBER_FOR_SECONDS),
            )
        return f"{selector}:{validator}"

    def user_from_cookie(self, cookie_value):
        """Restore a login from the remember_me cookie.

        cookie_value is the raw cookie sent by the browser when it has no
        session. It is accepted only if its selector exists, the validator's
        hash matches (constant-time) and the token has not expired. The
        returned user id (or None) is written into the session as the
        logged-in identity.
        """
        selector, sep, validator = (cookie_value or "").partition(":")
        if not sep or not selector or not validator:
            return None
        row = self._conn.execute(
            "SELECT t.validator_sha256, t.expires_at, u.id FROM remember_tokens t "
            "JOIN users u ON u.id = t.user_id WHERE t.selector = ? AND u.active = 1",
            (selector,),
        ).fetchone()
        if row is None:
            return None
        stored_digest, expires_at, user_id = row
        if not hmac.compare_digest(stored_digest, _digest(validator)):
            return None
        if expires_at < time.time():
            return None
        return user_id
