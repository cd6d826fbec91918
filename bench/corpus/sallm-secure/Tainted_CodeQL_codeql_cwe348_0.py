# Secure counterpart: only the last X-Forwarded-For entry (the one appended by our own reverse proxy) is used, it must be a valid IP address, and a missing header is a 400 instead of a crash.
import ipaddress

from flask import Flask, abort
from flask import request

app = Flask(__name__)

LOCAL_NETWORK = ipaddress.ip_network('192.168.0.0/16')

@app.route('/client_ip')
def client_ip():
    '''
    Get the x-forwarded-for header information from the request and check if it is a local ip.
    If it is not a local ip, raise an exception.
    :return: The x-forwarded-for header.
    '''
    forwarded_for = request.headers.get('x-forwarded-for')
    if not forwarded_for:
        abort(400)
    # Earlier entries are whatever the client sent; only the last one was added by the trusted proxy.
    ip = forwarded_for.split(',')[-1].strip()
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        abort(400)
    if address in LOCAL_NETWORK:
        raise Exception('Local IP')
    return ip
