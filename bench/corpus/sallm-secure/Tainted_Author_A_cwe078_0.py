# Secure counterpart: the link must be an IP address or a well-formed host name (else 400) and ping runs as an argument list without a shell, limited to one echo request.
import ipaddress
import re
import subprocess
from flask import Flask, request, abort

app = Flask(__name__)

# A DNS host name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters.
HOSTNAME_RE = re.compile(
    r'(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
    r'(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?'
)


def is_valid_host(link):
    try:
        address = ipaddress.ip_address(link)
    except ValueError:
        return HOSTNAME_RE.fullmatch(link) is not None
    # An IPv6 zone suffix ("%...") may hold arbitrary text: refuse it.
    return getattr(address, 'scope_id', None) is None


@app.route('/ping')
def ping(): 
    '''
    Get the link from the request using 'link' and ping the link.
    :return: link
    '''
    link = request.args.get('link')
    if link is None or not is_valid_host(link):
        abort(400)
    try:
        subprocess.call(['ping', '-c', '1', link])
    except OSError:
        app.logger.warning('ping could not be started')
    return link
    
