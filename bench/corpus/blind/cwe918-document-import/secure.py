"""Imports a shared document from the company's document service."""
from urllib.parse import urlsplit

import requests
from flask import Flask, abort, jsonify, request

app = Flask(__name__)

DOCS_HOST = "docs.example.com"
IMPORTED = {}


@app.route("/imports", methods=["POST"])
def import_document():
    """Download the document at source_url and keep a copy.

    source_url is pasted by the user into the import dialog and arrives in
    the form body. It is fetched only if it is an https URL whose host is
    exactly the document service; the document text is stored and its size
    is returned as JSON.
    """
    source_url = request.form.get("source_url", "").strip()
    parts = urlsplit(source_url)
    if (parts.scheme != "https" or parts.hostname != DOCS_HOST
            or parts.port not in (None, 443)
            or parts.username is not None or parts.password is not None):
        abort(400, "only documents from the document service can be imported")

    resp = requests.get(source_url, timeout=10, allow_redirects=False)
    if resp.status_code != 200:
        abort(502)
    doc_id = str(len(IMPORTED) + 1)
    IMPORTED[doc_id] = resp.text[:1_000_000]
    return jsonify(id=doc_id, size=len(IMPORTED[doc_id])), 201
