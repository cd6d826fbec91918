"""Lets integrators test the webhook endpoint they registered."""
import json
import urllib.request
from urllib.parse import urlparse

BLOCKED_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1"}


class WebhookTester:
    """Sends a test event to a customer's webhook endpoint."""

    def __init__(self, timeout=5):
        self.timeout = timeout

    def ping(self, callback_url):
        """POST a ping event to callback_url and return the HTTP status.

        callback_url is typed by the integrator on the webhook settings page.
        The server opens a connection to it; the status code is shown back to
        the integrator.
        """
        parsed = urlparse(callback_url)
        if parsed.scheme not in ("http", "https"):
            raise ValueError("webhook must be http or https")
        if (parsed.hostname or "").lower() in BLOCKED_HOSTS:
            raise ValueError("webhook may not point at this server")

        body = json.dumps({"event": "ping"}).encode()
        req = urllib.request.Request(
            callback_url, data=body, method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            return resp.status
