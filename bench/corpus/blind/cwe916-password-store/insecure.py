"""Password storage for the members area."""
import hashlib
import hmac
import os


class PasswordStore:
    """Keeps one password record per username (salt and digest, hex)."""

    def __init__(self):
        self._records = {}

    def set_password(self, username, new_password):
        """Hash new_password and store it for username.

        new_password is chosen by the member on the sign-up or change-password
        form. The stored record ends up in the members table, which is
        exported to backups.
        """
        if len(new_password) < 10:
            raise ValueError("password must have at least 10 characters")
        salt = os.urandom(16)
        digest = hashlib.sha256(salt + new_password.encode("utf-8")).digest()
        self._records[username] = (salt.hex(), digest.hex())

    def check_password(self, username, password):
        """Return True if password matches the stored record for username."""
        record = self._records.get(username)
        if record is None:
            return False
        salt, expected = bytes.fromhex(record[0]), bytes.fromhex(record[1])
        digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
        return hmac.compare_digest(digest, expected)
