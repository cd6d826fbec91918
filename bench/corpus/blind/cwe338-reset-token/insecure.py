"""Issues password-reset tokens."""
import hashlib
import random
import string
import time

TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_TTL = 30 * 60


def issue_reset_token(user_id, store):
    """Create a reset token for user_id and return it.

    user_id is the account found for the address typed on the forgot-password
    page. The token's SHA-256 is saved in store (token hash -> (user, expiry))
    and the returned token is e-mailed inside the reset link; whoever holds
    it can set a new password.
    """
    token = "".join(random.choices(TOKEN_ALPHABET, k=32))
    digest = hashlib.sha256(token.encode()).hexdigest()
    store[digest] = (user_id, time.time() + TOKEN_TTL)
    return token
