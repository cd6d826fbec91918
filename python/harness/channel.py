"""The sending end of the channel to the supervisor (protocol.py), for the runner, each child
and the audit hook. Opened in the runner before the code under test loads, with every name a
send needs bound in default arguments: code under test that replaces os.write, json.dumps or
this module's globals cannot stop a message, and replacing a function's defaults is an audited
act the hook reports. Closing or replacing the descriptor it can: the next send notices and
ends its process with CHANNEL_LOST, which the runner reports for it."""
import _json
import json
import os

from harness.protocol import CHANNEL_LOST


class Channel:
    """`message(obj)` sends any protocol message; `event`, `note` the ones the hook sends, built
    without the json module."""

    def __init__(self, fd):
        ino = os.fstat(fd).st_ino

        def send(text, _fd=fd, _ino=ino, _fstat=os.fstat, _write=os.write, _exit=os._exit, _encode=str.encode, _lost=CHANNEL_LOST):
            try:
                if _fstat(_fd).st_ino != _ino:
                    _exit(_lost)
                _write(_fd, _encode(text))  # one record: a SOCK_SEQPACKET write is never split
            except OSError:
                _exit(_lost)

        def event(index, event, _send=send, _quote=_json.encode_basestring_ascii):
            _send('{"i":%d,"event":{"kind":%s,"cwe":%s,"detail":%s}}' % (index, _quote(event["kind"]), _quote(event["cwe"]), _quote(event["detail"])))

        def note(index, key, text, _send=send, _quote=_json.encode_basestring_ascii):
            _send('{"i":%d,%s:%s}' % (index, _quote(key), _quote(text)))

        def message(obj, _send=send, _dumps=json.dumps):
            _send(_dumps(obj))

        self.fd = fd
        self.send, self.event, self.note, self.message = send, event, note, message
