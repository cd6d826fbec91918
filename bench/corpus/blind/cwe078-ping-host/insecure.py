"""Network diagnostics endpoint of the status dashboard."""

import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/tools/ping", methods=["POST"])
def ping_host():
    """Ping a host and return the raw ping output.

    The JSON body's ``target_host`` (an IP address or host name) is typed by a
    dashboard user into the "diagnose" dialog. It goes into the ping command
    line run by the shell; the command's output is returned in the JSON
    response.
    """
    payload = request.get_json(silent=True) or {}
    target_host = str(payload.get("target_host", "")).strip()
    if not target_host:
        return jsonify(error="target_host is required"), 400
    count = max(1, min(int(payload.get("count", 3)), 10))
    with os.popen(f"ping -c {count} -W 2 {target_host} 2>&1") as pipe:
        output = pipe.read()
    return jsonify(host=target_host, output=output)
