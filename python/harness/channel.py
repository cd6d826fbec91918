"""The sending end of the channel to the supervisor (protocol.py), for the runner, each child and
the audit hooks. Opened in the runner before the code under test loads, with every name a send
needs bound in default arguments: code under test that replaces os.write, json.dumps or this
module's globals cannot stop a message, and replacing a function's defaults is an audited act
the first hook reports. Closing or replacing the descriptor it can: from then on this process
sends nothing (a forked process may close its descriptors before it starts a program, as
honest code does), and a child that lost its channel ends with CHANNEL_LOST instead of an
outcome, which the runner reports for it."""
import _json
import json
import os


class Channel:
    """`message(obj)` sends any protocol message; `event`, `note` the ones the hooks send, built
    without the json module; `lost()` says whether this process can still send."""

    def __init__(self, fd):
        ino = os.fstat(fd).st_ino
        lost = [False]

        def send(text, _fd=fd, _ino=ino, _fstat=os.fstat, _write=os.write, _encode=str.encode, _lost=lost):
            try:
                if _fstat(_fd).st_ino == _ino:
                    _write(_fd, _encode(text))  # one record: a SOCK_SEQPACKET write is never split
                    return
            except OSError:
                pass
            _lost[0] = True

        def event(index, event, _send=send, _quote=_json.encode_basestring_ascii):
            _send('{"i":%d,"event":{"kind":%s,"cwe":%s,"detail":%s}}' % (index, _quote(event["kind"]), _quote(event["cwe"]), _quote(event["detail"])))

        def note(index, key, text, _send=send, _quote=_json.encode_basestring_ascii):
            _send('{"i":%d,%s:%s}' % (index, _quote(key), _quote(text)))

        def message(obj, _send=send, _dumps=json.dumps):
            _send(_dumps(obj))

        def is_lost(_fd=fd, _ino=ino, _fstat=os.fstat, _lost=lost):
            try:
                return _lost[0] or _fstat(_fd).st_ino != _ino
            except OSError:
                return True

        self.fd, self.ino = fd, ino
        self.send, self.event, self.note, self.message, self.lost = send, event, note, message, is_lost
