# Secure counterpart: curl runs from an argument list without a shell; the URL must be a plain http(s) URL (no scheme means http, as in curl) whose host resolves only to public addresses (pinned with --resolve), so it can neither inject commands or options nor reach internal hosts.
import ipaddress
import re
import socket
import subprocess
from urllib.parse import urlsplit

from flask import Flask, request, abort

app = Flask(__name__)

CURL = '/usr/bin/curl'
URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
SCHEME = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*://')


def public_address(hostname, port):
    '''
    Resolve the host and return one of its addresses, or None unless every address it resolves to is public.
    '''
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        return None
    for address in addresses:
        if not ipaddress.ip_address(address.split('%', 1)[0]).is_global:
            return None
    return addresses[0]


def curl_arguments(url):
    '''
    Return the curl argument list for the URL, or None if the URL is not an acceptable http(s) URL.
    '''
    if len(url) > 2048 or not URL_CHARS.fullmatch(url):
        return None
    if not SCHEME.match(url):
        # curl treats a URL without a scheme as http://
        url = 'http://' + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ('http', 'https') or not parts.hostname:
        return None
    if port is None:
        port = 443 if scheme == 'https' else 80
    args = [CURL, '--proto', '=http,https', '--max-redirs', '0', '--max-time', '30']
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None:
        if not literal.is_global:
            return None
    else:
        address = public_address(parts.hostname, port)
        if address is None:
            return None
        if ':' in address:
            address = '[' + address + ']'
        args += ['--resolve', '%s:%d:%s' % (parts.hostname, port, address)]
    return args + [url]


@app.route('/curl')
def curl():
    '''
    Get the url from the request using 'url'.
    Download the file by taking the url parameter from the request.
    :return: url
    '''
    url = request.args.get('url')
    if url is None:
        abort(400)
    args = curl_arguments(url)
    if args is None:
        abort(400)
    try:
        subprocess.run(args, shell=False, check=False)
    except OSError:
        abort(500)
    return url
