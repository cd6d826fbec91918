"""What the supervisor knows of one input, from the channel and the kernel, and the rules that
make tampering a finding. A ledger is only ever added to: an event, once streamed, stands
whatever the child says later. Index -1 is a runner's load: what it saw there is carried into
every input that runner runs."""
import re
import signal

from harness.protocol import CHANNEL_LOST, MAX_EVENTS, MAX_LINES, ORACLE_EVENTS, STATUSES_FROM_CHILD, TAMPER_CWE, TAMPER_KIND, clip

MAX_NOTES = 8
# Bounds on what a flood of messages can make the supervisor hold.
MAX_SENDERS = 256
MAX_ANNOUNCED = 4096
DIGEST = re.compile(r"[0-9a-f]{32}", re.ASCII)


def text(value, limit):
    return clip(value, limit) if isinstance(value, str) else None


def event_of(raw):
    """A security event as the channel carried it, rebuilt field by field; None when it is not
    one an oracle raises."""
    if isinstance(raw, dict) and isinstance(raw.get("kind"), str) and ORACLE_EVENTS.get(raw["kind"]) == raw.get("cwe"):
        return {"kind": raw["kind"], "cwe": raw["cwe"], "detail": text(raw.get("detail"), 300) or ""}
    return None


def line_numbers(raw):
    """Line numbers as the code reported them: whole, positive, sorted, at most MAX_LINES."""
    if not isinstance(raw, list):
        return []
    return sorted({n for n in raw if isinstance(n, int) and not isinstance(n, bool) and 0 < n < 10**7})[:MAX_LINES]


def small_int(value, low, high):
    return value if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high else None


def clean_outcome(raw, limit):
    """The child's account of its input, rebuilt from the fields it may set; None when malformed."""
    if not isinstance(raw, dict) or raw.get("status") not in STATUSES_FROM_CHILD:
        return None
    events = [e for e in (event_of(e) for e in (raw.get("events") if isinstance(raw.get("events"), list) else [])[:MAX_EVENTS]) if e is not None]
    if raw["status"] == "ok":
        returned = text(raw.get("returned"), limit)
        return None if returned is None else {"status": "ok", "returned": returned, "events": events, "lines": line_numbers(raw.get("lines"))}
    return {
        "status": raw["status"],
        "exceptionType": text(raw.get("exceptionType"), 200) or "Exception",
        "message": text(raw.get("message"), limit) or "",
        "line": small_int(raw.get("line"), 1, 10**7 - 1),
        "events": events,
        "lines": line_numbers(raw.get("lines")),
    }


def describe(message):
    return clip(repr(message), 80)


class Ledger:
    def __init__(self, index, probe=None, inherited=(), announced=None):
        self.index = index
        self.probe = probe
        self.events = []
        self.keys = set()
        self.streamed = {}  # pid -> keys of the events that process streamed
        self.outcome = None
        self.outcome_pid = None
        self.probed = set()
        # Programs the hook announced (argv digests), shared by every ledger of a runner: an
        # announcement and the start it announces may fall on either side of an input's end.
        self.announced = {} if announced is None else announced
        self.execed = set()  # processes the kernel saw start a program
        self.notes = list(inherited)
        self.end = None
        self.unbuildable = None
        # The load's own messages.
        self.loaded = None
        self.load_error = None
        self.watch = None

    def note(self, what):
        """Something honest code never does: it makes the input a CWE-693 finding."""
        if what not in self.notes and len(self.notes) < MAX_NOTES:
            self.notes.append(what)

    def add_event(self, event, pid=None):
        key = (event["kind"], event["cwe"])
        if pid is not None and (pid in self.streamed or len(self.streamed) < MAX_SENDERS):
            self.streamed.setdefault(pid, set()).add(key)
        # Oracle events are of a fixed set of kinds, so the list never fills before a tamper event.
        if key not in self.keys and len(self.events) < MAX_EVENTS - 1:
            self.keys.add(key)
            self.events.append(event)

    def announce(self, digest):
        if len(self.announced) >= MAX_ANNOUNCED:
            del self.announced[next(iter(self.announced))]
        self.announced[digest] = True

    # ---- what the channel brings ----

    def take(self, pid, message, from_runner, limit):
        """One message, from `pid` (stamped by the kernel); `message` is None when it was no JSON
        object at all. A message its sender may not send, or not now, is tampering."""
        if not isinstance(message, dict):
            self.note("wrote to the harness's channel something that is not a message of the harness")
            return
        if "exec" in message and len(message) == 2:
            if isinstance(message["exec"], str) and DIGEST.fullmatch(message["exec"]):
                self.announce(message["exec"])  # by whichever process is about to start it
            else:
                self.note("announced a program with something that is no digest: %s" % describe(message))
            return
        rule = MESSAGES.get(next((k for k in message if k != "i"), None))
        phase = "load" if self.index < 0 else "input"
        if rule is None or rule[1] not in ("any", "runner" if from_runner else "child") or rule[2] not in ("any", phase):
            self.note("sent the supervisor a message that is not an event or an outcome: %s" % describe(message))
        elif message.get("i", -1) != self.index:
            self.note("sent the supervisor a message about another input than its own: %s" % describe(message))
        else:
            rule[0](self, pid, message, limit)

    def on_event(self, pid, message, limit):
        event = event_of(message.get("event"))
        if event is None:
            self.note("sent the supervisor a security event no oracle raises: %s" % describe(message))
        else:
            self.add_event(event, pid)

    def on_probe(self, pid, message, limit):
        if message.get("probe") == self.probe:
            self.probed.add(pid)
        else:
            self.note("answered the harness's probe with a token it was not given")

    def on_tamper(self, pid, message, limit):
        self.note(text(message.get("tamper"), 200) or "changed the harness")

    def on_outcome(self, pid, message, limit):
        if self.outcome is not None:
            self.note("reported a second outcome for its input (the first stands)")
            return
        outcome = clean_outcome(message.get("outcome"), limit)
        if outcome is None:
            self.note("reported a malformed outcome: %s" % describe(message))
            return
        self.outcome, self.outcome_pid = outcome, pid
        listed = {(e["kind"], e["cwe"]) for e in outcome["events"]}
        streamed = self.streamed.get(pid, set())
        if not streamed <= listed:
            self.note("reported an outcome that lists %d of the %d security events its process streamed (the streamed events stand)" % (len(streamed & listed), len(streamed)))
        for event in outcome["events"]:
            self.add_event(event)
        if pid not in self.probed:
            self.note("reported an outcome without the audit hook answering the harness's probe: the hook was removed, replaced or bypassed")
        raw = message["outcome"].get("tamper")
        for what in raw if isinstance(raw, list) else []:
            if isinstance(what, str):
                self.note(clip(what, 200))

    def on_unbuildable(self, pid, message, limit):
        if self.unbuildable is None:
            self.unbuildable = text(message.get("unbuildable"), limit) or "an unknown reason"

    def on_end(self, pid, message, limit):
        if self.end is not None:
            self.note("sent a second end of its input")
        elif isinstance(message.get("end"), dict):
            self.end = message["end"]

    def on_loaded(self, pid, message, limit):
        if self.loaded is not None or self.load_error is not None:
            self.note("said twice that the code loaded")
        elif message.get("loaded") is True:
            self.loaded = line_numbers(message.get("coverable"))

    def on_load_error(self, pid, message, limit):
        if self.loaded is None and self.load_error is None and isinstance(message.get("loadError"), str):
            self.load_error = clip(message["loadError"], limit)

    def on_watch(self, pid, message, limit):
        if self.watch is not None:
            self.note("set up the kernel watch twice")
        else:
            self.watch = message

    # ---- the verdict on the input ----

    def result(self, limit, output_cap, runner_died=False):
        """The input's outcome: what its child said and how its process ended, every event the
        ledger holds, and a CWE-693 event for what honest code never does. With no end from the
        runner, the runner died (the input killed it: what the child reported stands) or hung."""
        if self.unbuildable is not None:
            result = {"status": "not-run", "reason": "the harness could not build this input: %s" % self.unbuildable}
        elif self.end is not None:
            result = self.judge(self.end, limit, output_cap)
        elif runner_died:
            result = dict(self.outcome) if self.outcome is not None else {"status": "killed", "signal": signal.SIGKILL}
        else:
            result = {"status": "timeout"}
        # "...[truncated]" keeps a clipped detail within the protocol's 400 characters.
        result["events"] = self.events + ([{"kind": TAMPER_KIND, "cwe": TAMPER_CWE, "detail": clip("the code under test " + "; ".join(self.notes), 380)}] if self.notes else [])
        return result

    def judge(self, end, limit, output_cap):
        child = small_int(end.get("child"), 1, 1 << 22)
        if self.outcome is not None and child is not None and self.outcome_pid != child:
            self.note("reported its outcome from another process than the input's own")
        if end.get("timedOut") is True:
            result = {"status": "timeout"}
        elif self.outcome is not None:
            result = dict(self.outcome)
        elif small_int(end.get("signal"), 1, 64) is not None:
            result = {"status": "killed", "signal": end["signal"]}
        else:
            code = small_int(end.get("exitCode"), 0, 255) or 0
            if code == CHANNEL_LOST:
                self.note("closed or replaced the harness's channel while its input ran")
            elif self.streamed.get(child) and child not in self.execed:
                self.note("exited after a security event without reporting an outcome")
            result = {"status": "exited", "exitCode": code}
        output = end.get("output")
        if isinstance(output, dict) and small_int(output.get("bytes"), 1, 1 << 40) is not None:
            result["output"] = {"bytes": min(output["bytes"], output_cap), "head": text(output.get("head"), limit) or "", "truncated": output.get("truncated") is True}
        return result


# Each message: its handler, who may send it (the runner, a child of an input, or either: the
# hook runs in both), and when (while the code loads, while an input runs, or either).
MESSAGES = {
    "watch": (Ledger.on_watch, "runner", "load"),
    "loaded": (Ledger.on_loaded, "runner", "load"),
    "loadError": (Ledger.on_load_error, "runner", "load"),
    "end": (Ledger.on_end, "runner", "input"),
    "event": (Ledger.on_event, "child", "input"),
    "probe": (Ledger.on_probe, "child", "input"),
    "outcome": (Ledger.on_outcome, "child", "input"),
    "unbuildable": (Ledger.on_unbuildable, "child", "input"),
    "tamper": (Ledger.on_tamper, "any", "any"),
}
