"""What every oracle shares: the input's taint, the events found so far, and how an audit event
reaches the handler that judges it (each weakness class's module holds a table of them)."""
import os
import sys
import threading

from harness.protocol import MAX_EVENTS, TARGET_FILE, WORK_DIR, clip, harness_file
from harness.values import fragments, strings


def resolve(path, base=WORK_DIR):
    """Where a path the code uses leads, from the directory it is relative to (the work dir the
    code runs in, unless a dir_fd or a link says otherwise)."""
    return os.path.realpath(os.path.join(base, os.fsdecode(path)))


def importing():
    """True inside the import machinery, which reads library files and unmarshals bytecode on
    every lazy import."""
    frame = sys._getframe(2)
    while frame is not None:
        if "importlib" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def called_by_target(skip=lambda code: False):
    """True when the code under test itself made the call: the first frame past the harness's own
    (and past the library wrappers `skip` names) is the target's. Parsing (ast.parse,
    ast.literal_eval) builds a tree and runs nothing, and libraries compile code and regexes they
    generate (SQLAlchemy, dataclasses, Werkzeug) from names that may match an input's words:
    neither is an evaluation of the input."""
    frame = sys._getframe(1)
    while frame is not None and (harness_file(frame.f_code.co_filename) or skip(frame.f_code)):
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename == TARGET_FILE


def source_text(source):
    return source.decode("latin-1") if isinstance(source, bytes) else source


def text_of(value):
    return os.fsdecode(value) if isinstance(value, bytes) else str(value)


class Oracle:
    """Turns audit events into security events when the input reached them. `publish` is told of
    each event as it is added (the child streams it to the supervisor at once). `handlers` maps
    an audit event to its handler (harness/oracles/__init__.py gathers them)."""

    handlers = {}

    def __init__(self, args, roles, entry, source="", publish=None):
        attacker = [a for a, role in zip(args, roles + ["attacker"] * len(args)) if role != "trusted"]
        # What the code itself spells out (an allowed host, its own markup) is the developer's choice.
        self.source = source
        # Whole attacker strings, to recognise an input that is a serialised payload.
        self.texts = [t for t in strings(attacker, []) if t]
        self.taint = fragments(self.texts)
        # The caller's base directories: what the code opens inside them is the caller's choice
        # (the root is no base: it would clear every path).
        self.trusted_dirs = [d for d in (resolve(a) for a, role in zip(args, roles) if role == "trusted" and isinstance(a, str) and a) if d != "/"]
        # A function asked to open a path may open exactly the path it was handed (not one built
        # from it), as may a program the path named on its command line; a request part has no such right.
        handed = attacker if entry == "call" else (args[0] if entry == "module" and args and isinstance(args[0], list) else [])
        self.given_paths = {a for a in handed if isinstance(a, str) and a}
        self.publish = publish
        # Held while an event is added and streamed, and while the child reports its outcome.
        self.lock = threading.RLock()
        self._decoded = None
        self.events = []
        self.seen = set()

    def tainted(self, text):
        return next((t for t in self.taint if t in text), None)

    def carried(self, text, syntax):
        """A piece of an input with the given syntax (a regex) that reached `text` verbatim: the
        syntax itself and up to 24 characters around it, so a long input still counts."""
        for whole in self.texts:
            for match in syntax.finditer(whole):
                piece = whole[max(0, match.start() - 24):match.end() + 24]
                if piece in text or match.group(0) in text and len(match.group(0)) >= 6:
                    return match.group(0)
        return None

    def tainted_host(self, host):
        """A host the input named: part of an input (a URL's host), or holding one."""
        return self.tainted(host) is not None or (len(host) >= 3 and any(host in t for t in self.texts))

    def payload(self, data):
        """Data the input supplied: text or bytes that carry an input's text, or an input decoded
        from hex or base64 (code often ships serialised objects that way)."""
        if isinstance(data, (bytes, bytearray)):
            raw, text = bytes(data), bytes(data).decode("latin-1")
        elif isinstance(data, str):
            raw, text = data.encode("latin-1", "ignore"), data
        else:
            return False
        return self.tainted(text) is not None or raw in self.decoded()

    def decoded(self):
        if self._decoded is None:
            import base64
            import binascii

            self._decoded = set()
            for text in self.texts:
                for decode in (bytes.fromhex, base64.b64decode, base64.urlsafe_b64decode):
                    try:
                        self._decoded.add(decode(text))
                    except (ValueError, binascii.Error):
                        continue
        return self._decoded

    def add(self, kind, cwe, detail):
        with self.lock:
            key = (kind, cwe)
            if key in self.seen or len(self.events) >= MAX_EVENTS:
                return
            self.seen.add(key)
            event = {"kind": kind, "cwe": cwe, "detail": clip(detail, 300)}
            self.events.append(event)
            if self.publish is not None:
                self.publish(event)

    def hook(self, event, args):
        handler = self.handlers.get(event)
        if handler is None:
            return
        try:
            handler(self, args)
        except Exception:  # noqa: BLE001 - an oracle must never change the outcome
            pass
