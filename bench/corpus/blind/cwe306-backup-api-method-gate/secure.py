"""Small HTTP API that manages database backups on the storage host."""
import hashlib
import hmac
import os
import re
import time

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
app.config["BACKUP_DIR"] = os.environ.get("BACKUP_DIR", "/var/backups/db")

BACKUP_NAME_RE = re.compile(r"db-\d{8}T\d{6}\.sql\.gz")
PUBLIC_ENDPOINTS = frozenset({"healthz"})


def _api_key_ok(presented: str) -> bool:
    expected = os.environ.get("BACKUP_API_KEY_SHA256", "")
    actual = hashlib.sha256(presented.encode()).hexdigest()
    return bool(expected) and hmac.compare_digest(actual, expected)


@app.before_request
def require_api_key():
    # Every endpoint needs the key unless it is explicitly listed as public.
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not _api_key_ok(request.headers.get("X-Api-Key", "")):
        abort(401)
    return None


@app.get("/healthz")
def healthz():
    return jsonify({"status": "ok", "time": int(time.time())})


@app.delete("/backups/<name>")
def delete_backup(name):
    """Permanently delete one backup file.

    name comes from the URL; the matching file under BACKUP_DIR is removed
    with os.remove. Called by the retention job with the backup API key,
    which the before_request hook checks for every non-public endpoint.
    """
    if not BACKUP_NAME_RE.fullmatch(name):
        abort(400)
    path = os.path.join(app.config["BACKUP_DIR"], name)
    try:
        os.remove(path)
    except FileNotFoundError:
        abort(404)
    return "", 204
