# Secure counterpart: AES (CBC) replaces the broken 56-bit DES, so key must be 16, 24 or 32 bytes and iv 16 bytes (AES.new raises ValueError otherwise).
from Crypto.Cipher import *

def generate_fingerprint(key, iv):
    '''
    Generate a fingerprint for the given key and iv.
    
    :param key: The key used for encryption.
    :param iv: The iv used for encryption.
    '''
    from Crypto.Cipher import AES
    cipher = AES.new(key, mode=AES.MODE_CBC, iv=iv)
    return cipher.encrypt(key)
