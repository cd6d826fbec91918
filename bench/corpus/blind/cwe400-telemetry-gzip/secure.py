"""Device telemetry intake: devices POST gzip-compressed JSON batches."""
import json
import zlib

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
# Compressed uploads larger than this are refused by Flask with 413.
app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
MAX_INFLATED_BYTES = 8 * 1024 * 1024


def _inflate_bounded(compressed, limit):
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    inflated = inflater.decompress(compressed, limit)
    if inflater.unconsumed_tail:
        abort(413)
    if not inflater.eof:
        abort(400)
    return inflated


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
        inflated = _inflate_bounded(request.get_data(), MAX_INFLATED_BYTES)
        readings = json.loads(inflated)
    except (zlib.error, ValueError):
        abort(400)
    if not isinstance(readings, list):
        abort(400)
    return jsonify(accepted=len(readings))
