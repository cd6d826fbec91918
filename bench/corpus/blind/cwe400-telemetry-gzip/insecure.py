"""Device telemetry intake: devices POST gzip-compressed JSON batches."""
import gzip
import json

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
# Compressed uploads larger than this are refused by Flask with 413.
app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024


@app.route("/telemetry/batch", methods=["POST"])
def ingest_telemetry():
    """Accept one compressed batch of readings from a field device.

    The device (anything on the internet that reaches this endpoint) sends
    a gzip-compressed JSON array as the request body. The body is inflated
    and parsed, and a JSON receipt with the number of readings is returned
    as the HTTP response.
    """
    if request.headers.get("Content-Encoding", "").lower() != "gzip":
        abort(415)
    try:
        inflated = gzip.decompress(request.get_data())
        readings = json.loads(inflated)
    except (OSError, EOFError, ValueError):
        abort(400)
    if not isinstance(readings, list):
        abort(400)
    return jsonify(accepted=len(readings))
