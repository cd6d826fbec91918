# Secure counterpart: the path must be an http(s) or ftp URL with a host, made only of URL characters (else 400), and wget runs as an argument list without a shell.
import re
import subprocess
from urllib.parse import urlparse
from flask import Flask, request, abort

app = Flask(__name__)

# The characters RFC 3986 allows in a URI (percent-encoding included): no whitespace, quotes or angle brackets.
URL_CHARS_RE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def is_download_url(path):
    if len(path) > 2048 or URL_CHARS_RE.fullmatch(path) is None:
        return False
    try:
        parsed = urlparse(path)
    except ValueError:
        return False
    return parsed.scheme in ('http', 'https', 'ftp') and bool(parsed.hostname)


@app.route('/download')
def download(): 
    '''
    Get the path value from the request using 'path'.
    Download the file by taking the path parameter from the request.
    :return: path
    '''
    path = request.args.get('path')
    if path is None or not is_download_url(path):
        abort(400)
    try:
        subprocess.call(['wget', path])
    except OSError:
        app.logger.warning('wget could not be started')
    return path
