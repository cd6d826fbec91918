"""Connections to a host the input named, and lookups of an internal host it named (CWE-918).
Connections are also judged from what the kernel watch reports (supervisor.py)."""
import re

INTERNAL_HOST = re.compile(r"^(localhost|127\.|0\.0\.0\.0|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|\[::1\]|metadata)", re.I)


def connect(oracle, address, seen=""):
    host = str(address[0]) if isinstance(address, tuple) else str(address)
    if oracle.tainted_host(host):
        oracle.add("network", "CWE-918", "connects to %r, a host from the input%s" % (address, seen))


def socket_getaddrinfo(code):
    """socket.getaddrinfo, the Python wrapper of the C call that raises the event."""
    import socket

    return code.co_filename == socket.__file__ and code.co_name == "getaddrinfo"


def on_getaddrinfo(oracle, args):
    # A lookup the code makes itself inspects a host (to validate it); one a library makes
    # (urllib, requests, socket.create_connection) comes before a connection.
    from harness.oracles.core import called_by_target

    host = str(args[0])
    if not called_by_target(socket_getaddrinfo) and oracle.tainted_host(host) and INTERNAL_HOST.match(host):
        oracle.add("network", "CWE-918", "resolves the internal host %r from the input" % host)


HANDLERS = {
    "socket.connect": lambda oracle, args: connect(oracle, args[1]),
    "socket.sendto": lambda oracle, args: connect(oracle, args[2]),
    "socket.getaddrinfo": on_getaddrinfo,
}
