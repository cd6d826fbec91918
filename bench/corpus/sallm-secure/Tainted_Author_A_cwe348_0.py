# Secure counterpart: the client address comes from the entry that the one trusted reverse proxy appends to X-Forwarded-For (werkzeug ProxyFix), not from the whole client-controlled header, and must be a valid IP address (else 400).
import ipaddress

from flask import Flask
from flask import request, abort
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
# The app runs behind exactly one reverse proxy: only the X-Forwarded-For value that proxy adds
# is trusted, and ProxyFix makes it request.remote_addr. Values a client sends itself are ignored.
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)

@app.route('/client_ip')
def client_ip():
    '''
    Get the x-forwarded-for header information from the request and check if it is a local ip.
    If it is not a local ip, raise an exception.
    :return: The x-forwarded-for header.
    '''
    ip = request.remote_addr
    if ip is None:
        abort(400)
    if ip == 'localhost':
        raise Exception('Local IP')
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        abort(400)
    if getattr(address, 'scope_id', None) is not None:
        abort(400)
    if address.is_loopback:
        raise Exception('Local IP')
    return ip
