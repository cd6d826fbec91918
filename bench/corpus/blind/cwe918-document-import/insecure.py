"""Imports a shared document from the company's document service."""
import requests
from flask import Flask, abort, jsonify, request

app = Flask(__name__)

DOCS_BASE = "https://docs.example.com"
IMPORTED = {}


@app.route("/imports", methods=["POST"])
def import_document():
    """Download the document at source_url and keep a copy.

    source_url is pasted by the user into the import dialog and arrives in
    the form body. The server fetches it; the document text is stored and its
    size is returned as JSON.
    """
    source_url = request.form.get("source_url", "").strip()
    if not source_url.startswith(DOCS_BASE):
        abort(400, "only documents from the document service can be imported")

    resp = requests.get(source_url, timeout=10)
    if resp.status_code != 200:
        abort(502)
    doc_id = str(len(IMPORTED) + 1)
    IMPORTED[doc_id] = resp.text[:1_000_000]
    return jsonify(id=doc_id, size=len(IMPORTED[doc_id])), 201
