import csv
import logging
import os
import re
import requests
from urllib.parse import urlparse
from flask import Flask, request, redirect, send_file, send_from_directory, abort, make_response, Response, url_for
from markupsafe import escape
from werkzeug.utils import secure_filename

app = Flask(__name__)
ALLOWED_HOSTS = {"api.example.com"}


@app.route("/download")
def download():
    name = request.args.get("file")
    # ruleid: path-traversal
    data = open(os.path.join("/srv/files", name)).read()
    # ok: path-traversal
    data2 = open(os.path.join("/srv/files", secure_filename(name))).read()
    base = os.path.realpath("/srv/files")
    full = os.path.realpath(os.path.join(base, name))
    if os.path.commonpath([base, full]) != base:
        abort(400)
    # ok: path-traversal
    data3 = open(full).read()
    # ok: path-traversal
    send_from_directory("/srv/files", name)
    # ruleid: path-traversal
    return send_file(name)


def library_open(path):
    # ok: path-traversal
    return open(path)


@app.route("/fetch")
def fetch():
    url = request.args.get("url")
    # ruleid: server-side-request-forgery
    r = requests.get(url)
    user = request.args.get("user")
    # ok: server-side-request-forgery
    r2 = requests.get("https://api.github.com/users/" + user)
    # ruleid: reflected-xss
    return r.text + r2.text


@app.route("/fetch2")
def fetch2():
    url = request.args.get("url")
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    # ok: server-side-request-forgery
    return requests.get(url).text


@app.route("/go")
def go():
    target = request.args.get("next")
    # ruleid: open-redirect
    return redirect(target)


@app.route("/go2")
def go2():
    target = request.args.get("next")
    if target is None or not is_safe_url(target):
        abort(400)
    # ok: open-redirect
    return redirect(target)


@app.route("/go3")
def go3():
    # ok: open-redirect
    return redirect(url_for("index"))


@app.route("/header")
def header():
    value = request.args.get("v")
    resp = make_response("ok")
    # ruleid: http-header-injection
    resp.headers["X-Value"] = value
    # ok: http-header-injection
    resp.headers["X-Clean"] = value.replace("\r", "").replace("\n", "")
    return resp


@app.route("/log")
def log():
    user = request.args.get("user")
    # ruleid: log-injection
    logging.info("login by " + user)
    # ruleid: log-injection
    app.logger.warning("login by %s", user)
    # ok: log-injection
    app.logger.info("login by %s", user.replace("\n", "").replace("\r", ""))
    return "ok"


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    if name == "x":
        # ruleid: reflected-xss
        return "<h1>Hello " + name + "</h1>"
    if name == "y":
        # ruleid: reflected-xss
        return make_response(f"<h1>Hello {name}</h1>")
    if name == "z":
        # ok: reflected-xss
        return Response("Hello " + name, mimetype="text/plain")
    # ok: reflected-xss
    return "<h1>Hello " + escape(name) + "</h1>"


@app.route("/card")
def card():
    name = request.args.get("name", "")
    page = "<p>Hello {{ name }}</p>"
    if name == "x":
        # ruleid: reflected-xss
        response = make_response(page.replace("{{ name }}", name))
        return response
    if name == "y":
        # ok: reflected-xss
        return make_response(page.replace("{{ name }}", str(escape(name))))
    # ok: reflected-xss
    return Response(name.replace("-", " "), mimetype="text/plain")


@app.route("/export")
def export():
    name = request.args.get("name", "")
    cells = request.args.get("cells", "").split(",")
    with open("/tmp/export.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        # ruleid: csv-formula-injection
        writer.writerow(cells)
        # ruleid: csv-formula-injection
        writer.writerow(["user", name])
        # ok: csv-formula-injection
        writer.writerow([sanitize_cell(c) for c in cells])
        # ok: csv-formula-injection
        writer.writerow(["user", "'" + name])
        # ok: csv-formula-injection
        writer.writerow(["user", name.lstrip("=+-@\t\r")])
        # ok: csv-formula-injection
        writer.writerow(["count", len(cells)])
        # ok: csv-formula-injection
        writer.writerow([name if not name.startswith(("=", "+", "-", "@")) else "'" + name])
        # ok: csv-formula-injection
        writer.writerow([re.sub(r"^[=+\-@\t\r]+", "", c) for c in cells])
        rows = csv.DictWriter(fh, fieldnames=["user"])
        # ruleid: csv-formula-injection
        rows.writerow({"user": name})
    return "ok"


def write_report(path, rows):
    with open(path, "w", newline="") as fh:
        # ok: csv-formula-injection
        csv.writer(fh).writerows(rows)
