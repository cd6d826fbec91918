"""Network diagnostics endpoint of the status dashboard."""

import ipaddress
import re
import subprocess

from flask import Flask, jsonify, request

app = Flask(__name__)

_HOSTNAME = re.compile(
    r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def _is_valid_target(value):
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return _HOSTNAME.fullmatch(value) is not None


@app.route("/tools/ping", methods=["POST"])
def ping_host():
    """Ping a host and return the raw ping output.

    The JSON body's ``target_host`` (an IP address or host name) is typed by a
    dashboard user into the "diagnose" dialog. It is passed as one argument of
    the ping process (no shell); the command's output is returned in the JSON
    response.
    """
    payload = request.get_json(silent=True) or {}
    target_host = str(payload.get("target_host", "")).strip()
    if not _is_valid_target(target_host):
        return jsonify(error="target_host must be an IP address or host name"), 400
    count = max(1, min(int(payload.get("count", 3)), 10))
    try:
        done = subprocess.run(["ping", "-c", str(count), "-W", "2", target_host],
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return jsonify(error="ping timed out"), 504
    return jsonify(host=target_host, output=done.stdout + done.stderr)
