"""Read-side helpers for the customer billing API."""
import sqlite3


def _format_cents(cents: int, currency: str) -> str:
    return f"{cents // 100}.{cents % 100:02d} {currency}"


def get_invoice_summary(conn: sqlite3.Connection, current_customer_id: int,
                        invoice_id: int) -> dict:
    """Build the summary shown on the customer's invoice page.

    current_customer_id is the id of the logged-in customer taken from the
    server-side session; invoice_id comes from the URL of
    GET /api/invoices/<invoice_id> and is chosen by the client.
    The returned dict is serialised as the JSON response body.
    Raises LookupError when the invoice cannot be shown.
    """
    row = conn.execute(
        "SELECT id, number, customer_id, issued_on, total_cents, currency, "
        "billing_name, billing_address FROM invoices WHERE id = ?",
        (invoice_id,),
    ).fetchone()
    if row is None:
        raise LookupError(f"invoice {invoice_id} not found")
    (inv_id, number, _customer, issued_on, total_cents, currency,
     billing_name, billing_address) = row
    lines = conn.execute(
        "SELECT description, quantity, unit_cents FROM invoice_lines "
        "WHERE invoice_id = ? ORDER BY position",
        (inv_id,),
    ).fetchall()
    return {
        "id": inv_id,
        "number": number,
        "issued_on": issued_on,
        "billed_to": {"name": billing_name, "address": billing_address},
        "lines": [
            {"description": d, "quantity": q, "unit": _format_cents(u, currency)}
            for d, q, u in lines
        ],
        "total": _format_cents(total_cents, currency),
    }
