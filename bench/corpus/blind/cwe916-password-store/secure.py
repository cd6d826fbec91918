"""Password storage for the members area."""
import hashlib
import hmac
import os

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024


def _kdf(password, salt):
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N,
                          r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM, dklen=32)


class PasswordStore:
    """Keeps one password record per username (salt and scrypt key, hex)."""

    def __init__(self):
        self._records = {}

    def set_password(self, username, new_password):
        """Derive a slow, salted scrypt key from new_password and store it.

        new_password is chosen by the member on the sign-up or change-password
        form. The stored record ends up in the members table, which is
        exported to backups.
        """
        if len(new_password) < 10:
            raise ValueError("password must have at least 10 characters")
        salt = os.urandom(16)
        self._records[username] = (salt.hex(), _kdf(new_password, salt).hex())

    def check_password(self, username, password):
        """Return True if password matches the stored record for username."""
        record = self._records.get(username)
        if record is None:
            return False
        salt, expected = bytes.fromhex(record[0]), bytes.fromhex(record[1])
        return hmac.compare_digest(_kdf(password, salt), expected)
