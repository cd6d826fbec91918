import os
import ssl
import tarfile
import tempfile
import jwt
import requests
from flask import Flask, make_response

app = Flask(__name__)
# ruleid: hardcoded-credential
app.secret_key = "s3cr3t-k3y-123"
# ok: hardcoded-credential
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
# ruleid: hardcoded-credential
DB_PASSWORD = "hunter2!"
# ok: hardcoded-credential
PASSWORD_FIELD_NAME = "password"
# ok: hardcoded-credential
password = ""


def check(password):
    # ruleid: hardcoded-credential
    return password == "admin123"


def decode(token, key):
    # ruleid: jwt-signature-not-verified
    a = jwt.decode(token, options={"verify_signature": False})
    # ok: jwt-signature-not-verified
    b = jwt.decode(token, key, algorithms=["HS256"])
    return a, b


def fetch(url):
    # ruleid: tls-verification-disabled
    requests.get(url, verify=False)
    # ok: tls-verification-disabled
    requests.get(url, timeout=5)
    ctx = ssl.create_default_context()
    # ruleid: tls-verification-disabled
    ctx.check_hostname = False


def unpack(path, dest):
    with tarfile.open(path) as tar:
        # ruleid: tarfile-extract-without-filter
        tar.extractall(dest)
    with tarfile.open(path) as tar:
        # ok: tarfile-extract-without-filter
        tar.extractall(dest, filter="data")


def tmp():
    # ruleid: insecure-tempfile-mktemp
    name = tempfile.mktemp()
    # ok: insecure-tempfile-mktemp
    fd, name2 = tempfile.mkstemp()
    return name, fd, name2


@app.route("/c")
def cookie():
    resp = make_response("ok")
    # ruleid: cookie-without-secure-flag, cookie-without-httponly-flag
    resp.set_cookie("session", "abc")
    # ok: cookie-without-secure-flag, cookie-without-httponly-flag
    resp.set_cookie("session", "abc", secure=True, httponly=True, samesite="Lax")
    return resp


def parser():
    from lxml import etree
    # ruleid: xml-parser-resolves-entities
    p = etree.XMLParser(resolve_entities=True)
    # ok: xml-parser-resolves-entities
    q = etree.XMLParser(resolve_entities=False, no_network=True)
    return p, q


if __name__ == "__main__":
    # ruleid: flask-debug-mode
    app.run(debug=True)
    # ok: flask-debug-mode
    app.run(debug=False)
