"""Bearer-token authentication for the orders API."""
import os

import jwt

TOKEN_ISSUER = "https://login.orders.example.com"
TOKEN_AUDIENCE = "orders-api"


def _signing_key() -> str:
    key = os.environ.get("ORDERS_API_JWT_SECRET", "")
    if len(key) < 32:
        raise RuntimeError("ORDERS_API_JWT_SECRET is missing or too short")
    return key


def user_id_from_authorization(authorization_header: str) -> str:
    """Work out which user is calling the API.

    authorization_header is the raw Authorization header sent by the client
    ("Bearer <jwt>"). The token's HS256 signature, issuer, audience and expiry
    are verified before its subject is believed. The returned user id is stored
    on the request context and every later permission check trusts it.
    Raises PermissionError when the caller cannot be identified.
    """
    scheme, _, token = (authorization_header or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise PermissionError("missing bearer token")
    try:
        claims = jwt.decode(
            token,
            _signing_key(),
            algorithms=["HS256"],
            audience=TOKEN_AUDIENCE,
            issuer=TOKEN_ISSUER,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.InvalidTokenError as exc:
        raise PermissionError("invalid token") from exc
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise PermissionError("token has no subject")
    return subject
