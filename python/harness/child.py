"""The child: one input, in a process forked from the runner, with its own time, memory and
output limits. What it prints goes to an unnamed file; what it reports goes to the supervisor
on the channel: each security event as the oracle sees it (before control returns to the code
under test), then one outcome, which can add to those events but never take one back."""
import os
import sys
import traceback

from harness.hook import add_judging_hook
from harness.oracles import Oracle
from harness.protocol import CHANNEL_LOST, MAX_LINES, TARGET_FILE, clip
from harness.targets import line_tracer, live_object
from harness.values import decode

# What the child checks once the input is done, as it was before any code under test ran.
ADD_AUDIT_HOOK, AUDIT = sys.addaudithook, sys.audit
_exit, _getpid, _settrace = os._exit, os.getpid, sys.settrace


def frames_of(tb):
    """A traceback's frames, files and line numbers only: reading each frame's source line would
    load every library file it passes through, afresh in every child."""
    return traceback.StackSummary.extract(traceback.walk_tb(tb), lookup_lines=False)


def deliberate_raise(tb, source_lines):
    """True when the exception was raised by a `raise` statement in the target's own code:
    input validation that rejects bad input on purpose, not a crash."""
    frames = frames_of(tb)
    if not frames or frames[-1].filename != TARGET_FILE:
        return False
    lineno = frames[-1].lineno or 0
    line = source_lines[lineno - 1] if 0 < lineno <= len(source_lines) else ""
    return line.lstrip().startswith("raise")


def replaced_hooks():
    """The audit machinery the code under test replaced (honest code never does)."""
    notes = []
    if sys.addaudithook is not ADD_AUDIT_HOOK:
        notes.append("replaced sys.addaudithook")
    if sys.audit is not AUDIT:
        notes.append("replaced sys.audit")
    return notes


def call_outcome(call, args, oracle, source_lines, limit):
    try:
        result = call(args)
        return {"status": "ok", "returned": clip(repr(result), limit)}
    except SystemExit as exc:
        # A program that exits says so on purpose: with success, or rejecting its input.
        failed = exc.code not in (None, 0)
        return {"status": "rejected", "exceptionType": "SystemExit", "message": clip(str(exc.code), limit), "line": None} if failed else {"status": "ok", "returned": "None"}
    except BaseException as exc:  # noqa: BLE001 - every exception is an outcome to report
        if isinstance(exc, OSError) and exc.filename is not None:
            # A traversal that fails (a missing directory on the way) is still an attempt; no
            # audit event fires for the stat that failed.
            oracle.hook("open", (exc.filename, "access"))
        target_frames = [f for f in frames_of(exc.__traceback__) if f.filename == TARGET_FILE]
        return {
            "status": "rejected" if deliberate_raise(exc.__traceback__, source_lines) else "exception",
            "exceptionType": clip(type(exc).__name__, 200),
            "message": clip(str(exc), limit),
            "line": target_frames[-1].lineno if target_frames else None,
        }


def run_child(call, command, batch, source_lines, state, channel):
    index = command["i"]
    me = _getpid()
    try:
        args = [decode(a) for a in command["item"]["args"]]
    except Exception as exc:  # noqa: BLE001 - a value the harness cannot build is no crash of the target
        channel.message({"i": index, "unbuildable": "%s: %s" % (type(exc).__name__, exc)})
        _exit(0)
    roles = list(batch.get("roles") or [])

    def publish(event, _event=channel.event, _index=index):
        _event(_index, event)

    # A test's name is no attacker input: behaviour tests carry no taint.
    oracle = Oracle(args if batch["entry"] != "test" else [], roles, batch["entry"], batch["code"], publish)
    args = [live_object(name, value) if role == "trusted" else value for name, role, value in zip(batch["params"] + [""] * len(args), roles + ["attacker"] * len(args), args)]
    state.index = index
    add_judging_hook(ADD_AUDIT_HOOK, channel, index, oracle)
    reached = set()
    if batch.get("coverage") is True:
        _settrace(line_tracer(reached))
    outcome = call_outcome(call, args, oracle, source_lines, int(batch["textLimit"]))
    if _getpid() != me:
        _exit(0)  # a process the input forked: only the input's own process reports
    _settrace(None)
    notes = replaced_hooks()
    try:
        AUDIT("asc.probe", command["probe"])
    except BaseException:  # noqa: BLE001 - a hook of the code's own may raise; ours has answered
        pass
    if notes:
        outcome["tamper"] = notes
    if reached:
        outcome["lines"] = sorted(reached)[:MAX_LINES]
    # Under the oracle's lock: an event a thread of the input adds now is streamed after the
    # outcome, never missing from it.
    with oracle.lock:
        outcome["events"] = list(oracle.events)
        if channel.lost():
            _exit(CHANNEL_LOST)
        channel.message({"i": index, "outcome": outcome})
    _exit(0)
