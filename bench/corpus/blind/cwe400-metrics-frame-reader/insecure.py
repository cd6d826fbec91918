"""TCP intake for monitoring agents using a length-prefixed JSON protocol."""
import json
import socketserver


def read_frame(stream):
    """Read one frame: a decimal length line followed by that many bytes.

    Returns the frame payload, or None when the peer closed the connection.
    """
    header = stream.readline()
    if not header:
        return None
    length = int(header.strip())
    return stream.read(length)


class MetricsFrameHandler(socketserver.StreamRequestHandler):
    """One instance per agent connection (used with a ThreadingTCPServer)."""

    timeout = 30

    def handle(self):
        """Serve one agent connection until it closes.

        Monitoring agents anywhere on the network connect and send
        length-prefixed JSON frames; the handler reads each frame from the
        socket and writes an acknowledgement line naming the frame's ``seq``
        back to the agent.
        """
        while True:
            try:
                frame = read_frame(self.rfile)
                if frame is None:
                    return
                sample = json.loads(frame)
            except ValueError:
                self.wfile.write(b"error bad-frame\n")
                return
            seq = sample.get("seq") if isinstance(sample, dict) else None
            self.wfile.write(b"ok %d\n" % (seq if isinstance(seq, int) else -1))
