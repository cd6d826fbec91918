"""Encrypts nightly database dumps before they are shipped off-site."""
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
ASSOCIATED = b"db-backup-v2"


def encrypt_backup(key, dump_bytes):
    """Return the encrypted form of a database dump.

    key is the 32-byte backup key from the key management service and
    dump_bytes is the pg_dump output, which contains customer records. It is
    sealed with AES-256-GCM under a fresh random nonce; the returned bytes
    (nonce + ciphertext + tag) are uploaded to the off-site storage bucket.
    """
    if len(key) != 32:
        raise ValueError("backup key must be 256 bits")
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, dump_bytes, ASSOCIATED)


def decrypt_backup(key, blob):
    """Inverse of encrypt_backup, used by the restore tool; raises if tampered."""
    nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    return AESGCM(key).decrypt(nonce, sealed, ASSOCIATED)
