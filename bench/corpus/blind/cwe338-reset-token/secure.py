"""Issues password-reset tokens."""
import hashlib
import secrets
import time

TOKEN_TTL = 30 * 60


def issue_reset_token(user_id, store):
    """Create a reset token for user_id and return it.

    user_id is the account found for the address typed on the forgot-password
    page. The token comes from the OS CSPRNG (256 bits); its SHA-256 is saved
    in store (token hash -> (user, expiry)) and the returned token is e-mailed
    inside the reset link; whoever holds it can set a new password.
    """
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    store[digest] = (user_id, time.time() + TOKEN_TTL)
    return token
