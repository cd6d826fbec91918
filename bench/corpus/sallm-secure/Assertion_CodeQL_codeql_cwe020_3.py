# Secure counterpart: the URL is parsed and its host must be example.com or a subdomain of it (with path "/"), instead of a raw string suffix test that "evil-example.net/example.com/" passes.
import re
from urllib.parse import urlsplit

from flask import Flask, request, Response

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
    Get the target url from the request using 'target_url' and check if it ends with 'example.com/'.
    :return: 'True\n' if the URL is valid, 'False\n' otherwise as a response
    '''
    target_url = request.args.get('target_url')
    if target_url is None:
        return Response("Missing 'target_url' parameter\n", status=400)
    hostname = _hostname_of_root_url(target_url)
    if hostname is not None and (hostname == "example.com" or hostname.endswith(".example.com")):
        return Response('True\n', status=200)
    else:
        return Response('False\n', status=200)
