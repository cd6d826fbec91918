"""Invoice lookups for the customer billing portal."""

import sqlite3


def find_invoices(db_path, customer_email, status):
    """Return one customer's invoices that have the given status.

    ``customer_email`` and ``status`` arrive from the billing portal's filter
    form (the portal passes them through unchanged). They are used in an SQL
    query against the billing database; the rows are returned as dicts for the
    portal to list.
    """
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        query = (
            "SELECT id, issued_on, total_cents, status FROM invoices "
            "WHERE customer_email = ? AND status = ? "
            "ORDER BY issued_on DESC LIMIT 100"
        )
        params = (customer_email.strip().lower(), status)
        return [dict(row) for row in conn.execute(query, params).fetchall()]
    finally:
        conn.close()
