"""Fuzz harness baked into the sandbox image.

Reads one JSON batch from stdin (HarnessRequestSchema in src/common/sandbox.ts, with the limits):
  {"code", "function", "entry": "call" | "route", "params": [names], "inputs": [{"id", "args"}],
   "timeoutMs", "textLimit", "outputCap", "childMemoryHeadroom"}
The target module is executed once; each input then runs in a forked child with its own time,
memory and output limits, so a crash, hang, fork bomb or os._exit in one input cannot spoil the
others. In the child, PEP 578 audit hooks watch what the input makes the code do (a shell, a file
outside the work dir, a connection, eval of data, deserialisation) and report it as security
events. Writes one JSON line per input to stdout, then {"done": true}.

"entry": "route" drives a Flask route handler through Flask's test client instead of calling it:
params name the request parts ("args.q", "form.user", "headers.X-Token", "cookies.s",
"path.id", "json", "data").
"""
import json
import os
import re
import resource
import signal
import sys
import traceback

TARGET_FILE = "target.py"
WORK_DIR = os.environ.get("ASC_WORK_DIR", "/work")
OUTPUT_FILE = os.path.join(WORK_DIR, ".output")
MAX_EVENTS = 20
SHELLS = {"/bin/sh", "sh", "/bin/bash", "bash", "/usr/bin/sh", "/usr/bin/bash", "/bin/dash"}
SHELL_META = re.compile(r"[;&|`$<>\n]|\$\(")
SQL_META = re.compile(r"['\";]|--|/\*")
INTERNAL_HOST = re.compile(r"^(localhost|127\.|0\.0\.0\.0|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|\[::1\]|metadata)", re.I)


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


def fragments(value, out):
    """The text an input carries, to recognise it when it reaches a dangerous call (taint)."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        if len(value) >= 3:
            out.append(value[:64])
    elif isinstance(value, list):
        for item in value:
            fragments(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            fragments(key, out)
            fragments(item, out)
    return out


def clip(text, limit):
    return text if len(text) <= limit else text[:limit] + "...[truncated]"


def importing():
    """True inside the import machinery, which unmarshals bytecode on every lazy import."""
    frame = sys._getframe(2)
    while frame is not None:
        if "importlib" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


class Oracle:
    """Turns audit events into security events when the input reached them."""

    def __init__(self, taint):
        self.taint = taint
        self.events = []
        self.seen = set()

    def tainted(self, text):
        return next((t for t in self.taint if t in text), None)

    def add(self, kind, cwe, detail):
        key = (kind, cwe)
        if key in self.seen or len(self.events) >= MAX_EVENTS:
            return
        self.seen.add(key)
        self.events.append({"kind": kind, "cwe": cwe, "detail": clip(detail, 300)})

    def hook(self, event, args):
        try:
            self.check(event, args)
        except Exception:  # noqa: BLE001 - an oracle must never change the outcome
            pass

    def check(self, event, args):
        if event == "os.system":
            command = os.fsdecode(args[0]) if isinstance(args[0], bytes) else str(args[0])
            hit = self.tainted(command)
            if hit is not None and SHELL_META.search(hit):
                self.add("shell", "CWE-78", "os.system(%r) runs shell syntax from the input %r" % (command, hit))
        elif event in ("subprocess.Popen", "os.posix_spawn", "os.exec"):
            # All three pass (program, argv, ...).
            program = str(args[0])
            argv = [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in (args[1] or [])]
            if len(argv) >= 3 and (program in SHELLS or argv[0] in SHELLS) and argv[1] == "-c":
                hit = self.tainted(argv[2])
                if hit is not None and SHELL_META.search(hit):
                    self.add("shell", "CWE-78", "a shell runs %r, with shell syntax from the input %r" % (argv[2], hit))
            elif argv and self.tainted(program + " " + argv[0]) is not None:
                self.add("process", "CWE-78", "the input chooses the program: %r" % argv)
            else:
                hit = next((a for a in argv[1:] if a.startswith("-") and self.tainted(a) is not None), None)
                if hit is not None:
                    self.add("argument", "CWE-88", "the input passes an option to %s: %r" % (program, hit))
        elif event == "open":
            path, mode = args[0], args[1]
            if isinstance(path, int):
                return
            path = os.fsdecode(path)
            hit = self.tainted(path)
            if hit is None or not ("../" in hit or hit.startswith("/")):
                return
            resolved = os.path.realpath(os.path.join(WORK_DIR, path))
            if not resolved.startswith(WORK_DIR + "/") and not resolved.startswith("/tmp/"):
                self.add("path", "CWE-22", "opens %s (mode %s) outside the work dir, from the input %r" % (resolved, mode, hit))
        elif event in ("socket.connect", "socket.sendto"):
            address = args[1] if event == "socket.connect" else args[2]
            host = str(address[0]) if isinstance(address, tuple) else str(address)
            if self.tainted(host) is not None or INTERNAL_HOST.match(host):
                self.add("network", "CWE-918", "connects to %r" % (address,))
        elif event == "socket.getaddrinfo":
            host = str(args[0])
            if self.tainted(host) is not None and INTERNAL_HOST.match(host):
                self.add("network", "CWE-918", "resolves the internal host %r from the input" % host)
        elif event == "compile":
            source, filename = args[0], args[1]
            if filename in ("<string>", "<unknown>") and source is not None:
                text = source.decode("latin-1") if isinstance(source, bytes) else str(source)
                hit = self.tainted(text)
                if hit is not None:
                    self.add("eval", "CWE-95", "evaluates code built from the input %r" % hit)
        elif event == "asc.sql":
            hit = self.tainted(str(args[0]))
            if hit is not None and SQL_META.search(hit):
                self.add("sql", "CWE-89", "runs SQL built from the input %r: %r" % (hit, str(args[0])))
        elif event == "asc.template":
            hit = self.tainted(str(args[0]))
            if hit is not None and ("{{" in hit or "{%" in hit):
                self.add("template", "CWE-1336", "renders a template with template syntax from the input %r" % hit)
        elif event in ("marshal.loads", "marshal.load") and not importing():
            self.add("deserialize", "CWE-502", "marshal loads data")
        elif event == "pickle.find_class":
            self.add("deserialize", "CWE-502", "unpickling imports %s.%s" % (args[0], args[1]))
        elif event == "asc.deserialize":
            self.add("deserialize", "CWE-502", args[0])
        elif event == "ctypes.dlopen":
            # Libraries call native code with input all the time (pycryptodome does): only an
            # input-chosen library is a finding.
            name = str(args[0])
            hit = self.tainted(name)
            if hit is not None and (name == hit or name.startswith(hit)):
                self.add("library", "CWE-114", "loads the native library %r chosen by the input" % name)


def watch_libraries(code):
    """Calls with no audit event of their own: pickle.loads and yaml.load of input need no
    global to be exploitable, and Jinja compiles a template's syntax away before any hook sees
    it. Each call raises an audit event the oracle reads."""
    if "pickle" in code:
        import pickle

        for name in ("loads", "load"):
            setattr(pickle, name, audited(getattr(pickle, name), "asc.deserialize", "pickle.%s of data" % name))
    yaml = optional_import("yaml") if "yaml" in code else None
    if yaml is not None:
        original_load = yaml.load

        def load(stream, Loader=None, **kwargs):
            if Loader is None or Loader.__name__ not in ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"):
                sys.audit("asc.deserialize", "yaml.load with %s" % (getattr(Loader, "__name__", None) or "no safe Loader"))
            return original_load(stream, Loader=Loader, **kwargs) if Loader is not None else original_load(stream, **kwargs)

        yaml.load = load
        if hasattr(yaml, "unsafe_load"):
            yaml.unsafe_load = audited(yaml.unsafe_load, "asc.deserialize", "yaml.unsafe_load")
    sqlite3 = optional_import("sqlite3") if "sqlite3" in code else None
    if sqlite3 is not None:
        sqlite3.connect = audited_sqlite_connect(sqlite3)
    jinja2 = optional_import("jinja2") if "jinja2" in code or "render_template_string" in code else None
    if jinja2 is not None:
        original_compile = jinja2.Environment.compile

        def compile_template(self, source, *args, **kwargs):
            sys.audit("asc.template", source)
            return original_compile(self, source, *args, **kwargs)

        jinja2.Environment.compile = compile_template


def audited_sqlite_connect(sqlite3):
    """sqlite3 raises no audit event per statement: connections it opens report each query."""

    class AuditedCursor(sqlite3.Cursor):
        def execute(self, sql, *args, **kwargs):
            sys.audit("asc.sql", sql)
            return super().execute(sql, *args, **kwargs)

        def executescript(self, sql):
            sys.audit("asc.sql", sql)
            return super().executescript(sql)

    class AuditedConnection(sqlite3.Connection):
        def cursor(self, factory=AuditedCursor):
            return super().cursor(factory)

        def execute(self, sql, *args, **kwargs):
            return self.cursor().execute(sql, *args, **kwargs)

        def executescript(self, sql):
            return self.cursor().executescript(sql)

    original = sqlite3.connect

    def connect(database, *args, **kwargs):
        kwargs.setdefault("factory", AuditedConnection)
        # Task code expects its database directory to exist (./Database/app.db): make it in the
        # work dir, so the query the input reaches actually runs and is seen.
        if isinstance(database, str) and database != ":memory:":
            folder = os.path.dirname(os.path.realpath(os.path.join(WORK_DIR, database)))
            if folder.startswith(WORK_DIR + "/"):
                os.makedirs(folder, exist_ok=True)
        return original(database, *args, **kwargs)

    return connect


def audited(function, event, detail):
    def wrapper(*args, **kwargs):
        sys.audit(event, detail)
        return function(*args, **kwargs)

    return wrapper


def optional_import(name):
    try:
        return __import__(name)
    except ImportError:
        return None


def deliberate_raise(tb, source_lines):
    """True when the exception was raised by a `raise` statement in the target's own code:
    input validation that rejects bad input on purpose, not a crash."""
    frames = traceback.extract_tb(tb)
    if not frames or frames[-1].filename != TARGET_FILE:
        return False
    lineno = frames[-1].lineno or 0
    line = source_lines[lineno - 1] if 0 < lineno <= len(source_lines) else ""
    return line.lstrip().startswith("raise")


def as_text(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def route_request(app, endpoint, params, args):
    """Builds a Flask test-client request from the route's request parts."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    if not rules:
        raise LookupError("no route for %r" % endpoint)
    rule = rules[0]
    parts = {"args": {}, "form": {}, "headers": {}, "cookies": {}, "path": {}}
    body = {}
    for name, value in zip(params, args):
        source, _, key = name.partition(".")
        if source in ("json", "data"):
            body[source] = value
        elif source == "values":
            parts["args"][key] = value
        elif source in parts and value is not None:
            parts[source][key] = value if isinstance(value, list) else as_text(value)
    path_values = {key: parts["path"].get(key, "1") for key in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        path = url_for(endpoint, **path_values)
    methods = rule.methods or {"GET"}
    method = "POST" if ("POST" in methods and (parts["form"] or body)) or "GET" not in methods else "GET"
    kwargs = {"method": method, "query_string": parts["args"], "headers": parts["headers"]}
    if parts["form"]:
        kwargs["data"] = parts["form"]
    elif "json" in body:
        kwargs["json"] = body["json"]
    elif "data" in body:
        kwargs["data"] = body["data"] if isinstance(body["data"], (bytes, str)) else as_text(body["data"])
    return path, kwargs, parts["cookies"]


def find_flask_app(namespace):
    try:
        from flask import Flask
    except ImportError:
        return None
    return next((v for v in namespace.values() if isinstance(v, Flask)), None)


def call_route(app, client, endpoint, params, args):
    path, kwargs, cookies = route_request(app, endpoint, params, args)
    for key, value in cookies.items():
        client.set_cookie(key, as_text(value))
    response = client.open(path, **kwargs)
    body = response.get_data()[:200].decode("utf-8", "replace")
    return "%s %s" % (response.status_code, body)


def run_child(call, args, write_fd, limit, source_lines, taint):
    me = os.getpid()
    oracle = Oracle(taint)
    sys.addaudithook(oracle.hook)
    try:
        result = call(args)
        outcome = {"status": "ok", "returned": clip(repr(result), limit)}
    except BaseException as exc:  # noqa: BLE001 - every exception is an outcome to report
        if isinstance(exc, OSError) and exc.filename is not None:
            # A traversal that fails (a missing directory on the way) is still an attempt; no
            # audit event fires for the stat that failed.
            oracle.hook("open", (exc.filename, "access"))
        frames = traceback.extract_tb(exc.__traceback__)
        target_frames = [f for f in frames if f.filename == TARGET_FILE]
        outcome = {
            "status": "rejected" if deliberate_raise(exc.__traceback__, source_lines) else "exception",
            "exceptionType": type(exc).__name__,
            "message": clip(str(exc), limit),
            "line": target_frames[-1].lineno if target_frames else None,
        }
    if os.getpid() != me:
        os._exit(0)  # a process the input forked: only the input's own process reports
    outcome["events"] = oracle.events
    os.write(write_fd, json.dumps(outcome).encode())
    os._exit(0)


def kill_strays(child_pid):
    """Kills whatever an input left running (daemons, fork bombs). As the init of the container's
    pid namespace that is every other process; run anywhere else, only the child's group."""
    me = os.getpid()
    if me != 1:
        try:
            os.killpg(child_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return
    # A fork bomb may still be forking while we kill: repeat until we are alone, then reap
    # every killed process (as init, they are all our children now).
    for _ in range(50):
        others = [int(e) for e in os.listdir("/proc") if e.isdigit() and int(e) != me]
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break


def read_output(limit):
    """Size and head of what the input printed (plain os calls: this runs once per input)."""
    try:
        fd = os.open(OUTPUT_FILE, os.O_RDONLY)
    except OSError:
        return 0, ""
    try:
        size = os.fstat(fd).st_size
        return size, os.read(fd, limit).decode("utf-8", "replace") if size else ""
    finally:
        os.close(fd)


deadline = {"pid": 0, "hit": False}


def on_deadline(_sig, _frame):
    deadline["hit"] = True
    try:
        os.kill(deadline["pid"], signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_input(call, item, timeout_s, limit, source_lines, output_cap, memory_cap):
    read_fd, write_fd = os.pipe()
    args = [decode(a) for a in item["args"]]
    taint = fragments(args, [])
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.close(read_fd)
        # The input's own prints go to a capped file, never into the JSON protocol on stdout.
        out = os.open(OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_cap, output_cap))
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))
        run_child(call, args, write_fd, limit, source_lines, taint)
    os.close(write_fd)
    # The parent's interval timer is the deadline (timers are not inherited by a fork).
    deadline["pid"], deadline["hit"] = pid, False
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    # Wait for the child itself, not for the pipe's end: a daemon it forked may hold the pipe.
    _, status = os.waitpid(pid, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    os.set_blocking(read_fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(read_fd, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    kill_strays(pid)
    output_bytes, output = read_output(limit)
    if deadline["hit"] and os.WIFSIGNALED(status):
        outcome = {"status": "timeout"}
    elif chunks:
        outcome, _ = json.JSONDecoder().raw_decode(b"".join(chunks).decode())
    elif os.WIFSIGNALED(status):
        outcome = {"status": "killed", "signal": os.WTERMSIG(status)}
    else:
        outcome = {"status": "exited", "exitCode": os.WEXITSTATUS(status)}
    if output_bytes:
        outcome["output"] = {"bytes": output_bytes, "head": output, "truncated": output_bytes >= output_cap}
    return outcome


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    batch = json.loads(sys.stdin.read())
    limit = int(batch["textLimit"])
    output_cap = int(batch["outputCap"])
    os.chdir(WORK_DIR)
    watch_libraries(batch["code"])
    namespace = {"__name__": "target"}
    try:
        exec(compile(batch["code"], TARGET_FILE, "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001
        emit({"fatal": "the code failed to load: %s: %s" % (type(exc).__name__, exc)})
        return
    name = batch["function"]
    if batch.get("entry") == "route":
        app = find_flask_app(namespace)
        if app is None:
            emit({"fatal": "no Flask app in the code to drive the route %r" % name})
            return
        app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=True)
        params = batch.get("params", [])
        client = app.test_client()  # created once: each forked child gets its own copy

        def call(args):
            return call_route(app, client, name, params, args)
    else:
        func = namespace.get(name)
        if not callable(func):
            emit({"fatal": "no function named %r in the code" % name})
            return

        def call(args):
            return func(*args)

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGALRM, on_deadline)
    timeout_s = batch["timeoutMs"] / 1000.0
    source_lines = batch["code"].splitlines()
    # Headroom over what the loaded module maps (a child starts as a copy): a runaway allocation
    # fails with MemoryError in the child long before the container's cgroup limit is reached.
    with open("/proc/self/statm") as statm:
        memory_cap = int(statm.read().split()[0]) * resource.getpagesize() + int(batch["childMemoryHeadroom"])
    for item in batch["inputs"]:
        outcome = run_input(call, item, timeout_s, limit, source_lines, output_cap, memory_cap)
        outcome["id"] = item["id"]
        emit(outcome)
    emit({"done": True})


if __name__ == "__main__":
    main()
