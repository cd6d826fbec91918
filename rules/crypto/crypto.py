import hashlib
import random
import secrets
from Crypto.Cipher import AES, DES
from Crypto.PublicKey import RSA


def store(password):
    # ruleid: weak-hash-for-password
    h = hashlib.md5(password.encode()).hexdigest()
    # ruleid: fast-hash-for-password
    h2 = hashlib.sha256(password.encode()).hexdigest()
    # ok: weak-hash-for-password, fast-hash-for-password
    h3 = hashlib.pbkdf2_hmac("sha256", password.encode(), secrets.token_bytes(16), 600000)
    # ok: weak-hash-for-password
    checksum = hashlib.md5(open("f", "rb").read()).hexdigest()
    return h, h2, h3, checksum


def make_session():
    # ruleid: insecure-random-for-secret
    session_id = "".join(random.choice("abcdef0123456789") for _ in range(32))
    # ok: insecure-random-for-secret
    token = secrets.token_urlsafe(32)
    # ok: insecure-random-for-secret
    dice = random.randint(1, 6)
    return session_id, token, dice


def generate_password():
    # ruleid: insecure-random-for-secret
    return "".join(random.choices("abcdefgh", k=12))


def encrypt(key, data):
    # ruleid: ecb-mode
    c1 = AES.new(key, AES.MODE_ECB)
    # ruleid: broken-cipher
    c2 = DES.new(key, DES.MODE_CBC)
    iv = b"0000000000000000"
    # ruleid: static-iv
    c3 = AES.new(key, AES.MODE_CBC, iv)
    # ok: static-iv, ecb-mode
    c4 = AES.new(key, AES.MODE_GCM)
    return c1, c2, c3, c4


def keys():
    # ruleid: short-asymmetric-key
    k1 = RSA.generate(1024)
    # ok: short-asymmetric-key
    k2 = RSA.generate(3072)
    return k1, k2
