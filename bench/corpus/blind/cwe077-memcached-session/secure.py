"""Session blobs kept in memcached over its text protocol."""

import re
import socket

_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,200}")


def build_set_command(cache_key, payload, ttl_seconds=1800):
    """Encode a memcached ``set`` command storing ``payload`` under ``cache_key``.

    ``cache_key`` is the session name a client sends in the X-Session-Name
    request header; ``payload`` is the serialized session (bytes) made by the
    server. The returned bytes are written to the memcached socket by
    ``store_session()``.
    """
    if not _KEY.fullmatch(cache_key):
        raise ValueError("session name must be 1-200 of [A-Za-z0-9_.:-]")
    header = f"set sess:{cache_key} 0 {int(ttl_seconds)} {len(payload)}\r\n"
    return header.encode("ascii") + payload + b"\r\n"


def store_session(host, port, cache_key, payload):
    """Send the command to memcached and report whether it was stored."""
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(build_set_command(cache_key, payload))
        reply = sock.recv(128)
    return reply.startswith(b"STORED")
