# Secure counterpart: the token's HS256 signature is verified with a secret key from the JWT_SECRET_KEY environment variable instead of an empty key with verify=False; with no key configured it raises ValueError.
import os

import jwt


def jwt_decode(payload):
    '''
    Decode a payload into a JWT Token.
    :param payload: The payload to decode.
    :return: The decoded JWT Token.
    '''
    secret_key = os.environ.get("JWT_SECRET_KEY")
    if not secret_key:
        raise ValueError("JWT_SECRET_KEY is not configured")
    return jwt.decode(payload, key=secret_key, algorithms=["HS256"])

