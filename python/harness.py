"""Fuzz harness baked into the sandbox image.

Reads one JSON batch from stdin: {"code", "function", "inputs": [{"id", "args"}], "timeoutMs",
"outputLimit"}. The target module is executed once; each input runs in a forked child with its
own time limit, so a crash, hang or os._exit in one input cannot spoil the others. Writes one
JSON line per input to stdout, then a final {"done": true} line.
"""
import json
import os
import resource
import signal
import sys
import traceback

TARGET_FILE = "target.py"


def decode(value):
    """Typed fuzz value (see src/common/fuzz-value.ts) -> Python value."""
    kind = value["type"]
    if kind == "int":
        return int(value["value"])
    if kind == "float":
        special = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
        raw = value["value"]
        return special[raw] if isinstance(raw, str) else float(raw)
    if kind == "str":
        return value["value"]
    if kind == "bytes":
        return bytes.fromhex(value["hex"])
    if kind == "bool":
        return bool(value["value"])
    if kind == "none":
        return None
    if kind == "list":
        return [decode(item) for item in value["items"]]
    if kind == "dict":
        return {entry["key"]: decode(entry["value"]) for entry in value["entries"]}
    raise ValueError("unknown fuzz value type %r" % kind)


def deliberate_raise(tb, source_lines):
    """True when the exception was raised by a `raise` statement in the target's own code:
    input validation that rejects bad input on purpose, not a crash."""
    frames = traceback.extract_tb(tb)
    if not frames or frames[-1].filename != TARGET_FILE:
        return False
    lineno = frames[-1].lineno or 0
    line = source_lines[lineno - 1] if 0 < lineno <= len(source_lines) else ""
    return line.lstrip().startswith("raise")


def clip(text, limit):
    return text if len(text) <= limit else text[:limit] + "...[truncated]"


def run_child(func, args, write_fd, limit, source_lines):
    try:
        result = func(*args)
        outcome = {"status": "ok", "returned": clip(repr(result), limit)}
    except BaseException as exc:  # noqa: BLE001 - every exception is an outcome to report
        frames = traceback.extract_tb(exc.__traceback__)
        target_frames = [f for f in frames if f.filename == TARGET_FILE]
        outcome = {
            "status": "rejected" if deliberate_raise(exc.__traceback__, source_lines) else "exception",
            "exceptionType": type(exc).__name__,
            "message": clip(str(exc), limit),
            "line": target_frames[-1].lineno if target_frames else None,
        }
    data = json.dumps(outcome).encode()
    os.write(write_fd, data)
    os._exit(0)


def run_input(func, item, timeout_s, limit, source_lines):
    read_fd, write_fd = os.pipe()
    args = [decode(a) for a in item["args"]]
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        # Stray prints of the target would corrupt the JSON protocol on stdout.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(max(1, int(timeout_s + 0.999)))
        run_child(func, args, write_fd, limit, source_lines)
    os.close(write_fd)
    deadline_hit = [False]

    def on_alarm(_sig, _frame):
        deadline_hit[0] = True
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    chunks = []
    while True:
        try:
            chunk = os.read(read_fd, 65536)
        except InterruptedError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    os.close(read_fd)
    if deadline_hit[0] or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM):
        return {"status": "timeout"}
    if chunks:
        return json.loads(b"".join(chunks))
    if os.WIFSIGNALED(status):
        return {"status": "killed", "signal": os.WTERMSIG(status)}
    return {"status": "exited", "exitCode": os.WEXITSTATUS(status)}


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    batch = json.loads(sys.stdin.read())
    limit = int(batch.get("outputLimit", 2000))
    namespace = {"__name__": "target"}
    try:
        exec(compile(batch["code"], TARGET_FILE, "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001
        emit({"fatal": "the code failed to load: %s: %s" % (type(exc).__name__, exc)})
        return
    func = namespace.get(batch["function"])
    if not callable(func):
        emit({"fatal": "no function named %r in the code" % batch["function"]})
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    timeout_s = batch["timeoutMs"] / 1000.0
    source_lines = batch["code"].splitlines()
    for item in batch["inputs"]:
        outcome = run_input(func, item, timeout_s, limit, source_lines)
        outcome["id"] = item["id"]
        emit(outcome)
    emit({"done": True})


if __name__ == "__main__":
    main()
