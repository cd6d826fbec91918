"""Store locator API backed by the retail SQLite database."""
import os
import re
import sqlite3
import uuid

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
DB_PATH = os.environ.get("STORES_DB", "/srv/retail/data/stores.sqlite3")


@app.route("/api/stores/nearby")
def nearby_stores():
    """List the stores in the postcode district the visitor searched for.

    ?postcode= comes from the public store-finder search box. The JSON
    response is rendered by the store-finder page; failures are logged on the
    server with a reference id and the client only sees that id.
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
    except Exception:
        reference = uuid.uuid4().hex
        app.logger.exception("store lookup failed (ref %s)", reference)
        return jsonify(error="The store finder is unavailable right now.",
                       reference=reference), 500
    return jsonify(stores=[dict(zip(("name", "street", "city"), r)) for r in rows])
