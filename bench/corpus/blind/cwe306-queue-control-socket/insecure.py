"""Line-based control protocol for the job-queue daemon."""
import re
import socketserver

QUEUE_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class ControlSession:
    """One connected control client; the broker object owns the queues."""

    def __init__(self, broker):
        self.broker = broker

    def handle_line(self, line: str) -> str:
        """Execute one control command sent by the connected client.

        line is read from the TCP control connection. The returned string is
        written back to that connection as the reply line.
        """
        command, _, argument = line.strip().partition(" ")
        command = command.upper()
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
