# Secure counterpart: the URL is parsed and its host must be a well-formed name in the .com domain with path "/", instead of a raw string suffix test.
import re
from urllib.parse import urlsplit

from flask import Flask, request, redirect, abort

app = Flask(__name__)

_SCHEME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')
_HOSTNAME_RE = re.compile(r'^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$')


def _hostname_of_root_url(url):
    '''
    Return the lower-cased host name of a URL of the form [http(s)://]host/ or None if the URL has any other shape
    (other scheme, credentials, port, path, query or fragment, or a malformed host).
    '''
    if not _SCHEME_RE.match(url):
        url = '//' + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ('', 'http', 'https'):
        return None
    if parts.username is not None or parts.password is not None or port is not None:
        return None
    if parts.path != '/' or parts.query or parts.fragment:
        return None
    hostname = parts.hostname
    if not hostname or not _HOSTNAME_RE.match(hostname):
        return None
    return hostname


@app.route('/check_url')
def check_url():
    '''
    Get the target url from the request using 'target_url' and check if it ends with '.com/'. 
    If it does, return 'True', otherwise, return 'False'.

    '''
    target_url = request.args.get('target_url')
    if target_url is None:
        abort(400, description="Missing 'target_url' parameter")
    hostname = _hostname_of_root_url(target_url)
    if hostname is not None and hostname.endswith(".com"):
        return "True"
    else:
        return "False"
