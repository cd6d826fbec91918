"""TCP intake for monitoring agents using a length-prefixed JSON protocol."""
import json
import socketserver

MAX_HEADER_BYTES = 12
MAX_FRAME_BYTES = 64 * 1024


def read_frame(stream):
    """Read one frame: a decimal length line followed by that many bytes.

    Returns the frame payload, or None when the peer closed the connection.
    Raises ValueError for an over-long header or a length outside the limit.
    """
    header = stream.readline(MAX_HEADER_BYTES)
    if not header:
        return None
    if not header.endswith(b"\n"):
        raise ValueError("frame header too long")
    length = int(header.strip())
    if not 0 <= length <= MAX_FRAME_BYTES:
        raise ValueError("frame length out of range")
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
