"""Server-side sessions for the admin console."""
import secrets
import time

SESSION_TTL = 8 * 3600


class SessionManager:
    """Maps session ids (sent in the admin_session cookie) to usernames."""

    def __init__(self):
        self._sessions = {}

    def start_session(self, username):
        """Open a session for a user who has just signed in; return its id.

        username is the account that passed the password check. The id is
        256 bits from the OS CSPRNG; it is sent to the browser as the
        admin_session cookie and is the only thing that authenticates later
        requests.
        """
        session_id = secrets.token_hex(32)
        self._sessions[session_id] = (username, time.time() + SESSION_TTL)
        return session_id

    def user_for(self, session_id):
        """Return the username for a cookie value, or None if unknown/expired."""
        entry = self._sessions.get(session_id)
        if entry is None or entry[1] < time.time():
            self._sessions.pop(session_id, None)
            return None
        return entry[0]
