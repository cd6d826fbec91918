"""Store locator API backed by the retail SQLite database."""
import os
import re
import sqlite3
import traceback

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
DB_PATH = os.environ.get("STORES_DB", "/srv/retail/data/stores.sqlite3")


@app.route("/api/stores/nearby")
def nearby_stores():
    """List the stores in the postcode district the visitor searched for.

    ?postcode= comes from the public store-finder search box. The JSON
    response is rendered by the store-finder page.
    """
    postcode = request.args.get("postcode", "").strip().upper()
    if not re.fullmatch(r"[0-9]{4}", postcode):
        abort(400)
    try:
        with sqlite3.connect(DB_PATH) as conn:
            rows = conn.execute(
                "SELECT name, street, city FROM stores WHERE district = ?",
                (postcode[:2],),
            ).fetchall()
    except Exception as exc:
        return jsonify(
            error=f"{type(exc).__name__}: {exc}",
            database=DB_PATH,
            trace=traceback.format_exc(),
        ), 500
    return jsonify(stores=[dict(zip(("name", "street", "city"), r)) for r in rows])
