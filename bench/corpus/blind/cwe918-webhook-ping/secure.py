"""Lets integrators test the webhook endpoint they registered."""
import http.client
import ipaddress
import json
import socket
from urllib.parse import urlsplit


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS connection to a pre-checked IP, keeping SNI/cert checks on host."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class WebhookTester:
    """Sends a test event to a customer's webhook endpoint."""

    def __init__(self, timeout=5):
        self.timeout = timeout

    def _public_address(self, host, port):
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = []
        for info in infos:
            addr = ipaddress.ip_address(info[4][0])
            if addr.version == 6 and addr.ipv4_mapped:
                addr = addr.ipv4_mapped
            if not addr.is_global or addr.is_multicast:
                raise ValueError("webhook must resolve to a public address")
            addresses.append(str(addr))
        return addresses[0]

    def ping(self, callback_url):
        """POST a ping event to callback_url and return the HTTP status.

        callback_url is typed by the integrator on the webhook settings page.
        The server connects only to a public address the host resolved to
        (pinned, no redirects); the status code is shown back to the integrator.
        """
        parts = urlsplit(callback_url)
        if parts.scheme != "https" or not parts.hostname or parts.username:
            raise ValueError("webhook must be an https URL")
        port = parts.port or 443
        address = self._public_address(parts.hostname, port)

        conn = _PinnedHTTPSConnection(parts.hostname, port, address, self.timeout)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("POST", target, body=json.dumps({"event": "ping"}),
                         headers={"Content-Type": "application/json"})
            return conn.getresponse().status
        finally:
            conn.close()
