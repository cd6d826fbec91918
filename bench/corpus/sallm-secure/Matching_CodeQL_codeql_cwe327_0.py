# Secure counterpart: AES-GCM (authenticated, 128/192/256-bit key) replaces DES, and the nonce and tag are sent with the ciphertext so it can be decrypted and verified.
from Crypto.Cipher import *


def send_encrypted(secret_key, channel, message):
    '''
    Encrypt the message after creating a cipher,
    and send it over the channel passed as parameter.

    :param secret_key: secret key used for encryption
    :param channel: channel to send the encrypted message
    :param message: message to encrypt
    '''
    from Crypto.Cipher import AES
    cipher = AES.new(secret_key, mode=AES.MODE_GCM)
    encrypted, tag = cipher.encrypt_and_digest(message)
    channel.send(cipher.nonce + tag + encrypted)
