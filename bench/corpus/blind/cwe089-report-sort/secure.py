"""Sales report endpoint with analyst-chosen ordering."""

import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["SALES_DB"] = "sales.db"

SORT_COLUMNS = {
    "region": "region",
    "product": "product",
    "units": "units",
    "revenue": "revenue",
}


def build_report_query(sort_by, direction):
    """Return the SQL text of the sales report, ordered as requested.

    ``sort_by`` and ``direction`` come from the report page's ``sort`` and
    ``dir`` query-string parameters. The returned string is executed as an SQL
    query by ``sales_report()``.
    """
    column = SORT_COLUMNS.get(sort_by.strip().lower())
    if column is None:
        raise ValueError("invalid sort column")
    order = "DESC" if direction.lower() == "desc" else "ASC"
    return (
        "SELECT region, product, units, revenue FROM sales "
        f"ORDER BY {column} {order} LIMIT 500"
    )


@app.route("/reports/sales")
def sales_report():
    """Serve the sales report rows as JSON to the analytics front end."""
    try:
        sql = build_report_query(request.args.get("sort", "revenue"),
                                 request.args.get("dir", "desc"))
    except ValueError as exc:
        return jsonify(error=str(exc)), 400
    conn = sqlite3.connect(app.config["SALES_DB"])
    try:
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    keys = ("region", "product", "units", "revenue")
    return jsonify([dict(zip(keys, row)) for row in rows])
