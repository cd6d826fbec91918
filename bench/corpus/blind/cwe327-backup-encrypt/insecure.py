"""Encrypts nightly database dumps before they are shipped off-site."""
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def encrypt_backup(key, dump_bytes):
    """Return the encrypted form of a database dump.

    key is the 32-byte backup key from the key management service and
    dump_bytes is the pg_dump output, which contains customer records. The
    returned bytes are uploaded to the off-site storage bucket.
    """
    if len(key) != 32:
        raise ValueError("backup key must be 256 bits")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(dump_bytes) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def decrypt_backup(key, blob):
    """Inverse of encrypt_backup, used by the restore tool."""
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    padded = decryptor.update(blob) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()
