"""Line-based control protocol for the job-queue daemon."""
import hmac
import os
import re
import socketserver

QUEUE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class ControlSession:
    """One connected control client; the broker object owns the queues.

    The shared operator secret comes from the QUEUE_CONTROL_TOKEN environment
    variable; a client must send "AUTH <token>" before any other command.
    """

    def __init__(self, broker):
        control_token = os.environ.get("QUEUE_CONTROL_TOKEN", "")
        if len(control_token) < 32:
            raise RuntimeError("QUEUE_CONTROL_TOKEN must be at least 32 characters")
        self.broker = broker
        self._token = control_token.encode()
        self._authenticated = False

    def handle_line(self, line: str) -> str:
        """Execute one control command sent by the connected client.

        line is read from the TCP control connection. The returned string is
        written back to that connection as the reply line.
        """
        command, _, argument = line.strip().partition(" ")
        command = command.upper()
        if command == "AUTH":
            self._authenticated = hmac.compare_digest(argument.encode(), self._token)
            return "OK authenticated" if self._authenticated else "ERR authentication failed"
        if not self._authenticated:
            return "ERR authenticate first"
        if command == "STATUS":
            return "OK " + " ".join(f"{q}={n}" for q, n in sorted(self.broker.depths().items()))
        if command in ("PAUSE", "RESUME", "PURGE"):
            if not QUEUE_NAME_RE.fullmatch(argument):
                return "ERR bad queue name"
            getattr(self.broker, command.lower())(argument)
            return f"OK {command.lower()} {argument}"
        return "ERR unknown command"


def serve(broker, host: str, port: int) -> None:
    """Run the control listener until interrupted."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            session = ControlSession(broker)
            for raw in self.rfile:
                reply = session.handle_line(raw.decode("utf-8", "replace"))
                self.wfile.write(reply.encode() + b"\n")

    with socketserver.ThreadingTCPServer((host, port), Handler) as server:
        server.serve_forever()
