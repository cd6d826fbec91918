"""Account search for the support team's admin console (PostgreSQL)."""


def _like_prefix(text):
    """Escape LIKE wildcards so ``text`` only matches literally, then add '%'."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


class AccountStore:
    """Data access for user accounts over a psycopg2 connection."""

    MAX_ROWS = 200

    def __init__(self, connection):
        self._conn = connection

    def search_accounts(self, username_prefix, limit=50):
        """Return accounts whose username starts with ``username_prefix``.

        ``username_prefix`` is typed by a support agent into the console's
        search box; ``limit`` is the page size picked in the console. They are
        used in an SQL query on the accounts database and the rows are shown
        in the console's result table.
        """
        limit = max(1, min(int(limit), self.MAX_ROWS))
        with self._conn.cursor() as cur:
            cur.execute(
                "SELECT id, username, email, created_at FROM accounts "
                "WHERE username LIKE %s ORDER BY username LIMIT %s",
                (_like_prefix(username_prefix), limit),
            )
            return cur.fetchall()

    def count_accounts(self):
        """Return the total number of accounts, for the console header."""
        with self._conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM accounts")
            return cur.fetchone()[0]
