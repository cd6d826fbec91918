# Secure counterpart: the token's signature is checked with a real secret key (JWT_SECRET_KEY, or a random per-process key if unset) and only HS256 is accepted, instead of verify=False and an empty key.
import os
import secrets

import jwt

JWT_SECRET_KEY = os.environ.get('JWT_SECRET_KEY') or secrets.token_hex(32)


def jwt_decode(payload):
    '''
    Decode a payload into a JSON Web Token.
    :param payload: The payload to decode.
    :return: The decoded JSON Web Token.
    '''
    return jwt.decode(payload, key=JWT_SECRET_KEY, algorithms=["HS256"])
