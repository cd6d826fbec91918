"""Fuzz harness baked into the sandbox image.

Reads one JSON batch from stdin (HarnessRequestSchema in src/common/sandbox.ts, with the limits):
  {"code", "function", "entry": "call" | "route" | "module" | "test", "params": [names],
   "roles": ["attacker" | "trusted" per param: only attacker values are taint], "inputs": [{"id", "args"}],
   "timeoutMs", "backstopMs", "loadTimeoutMs", "maxRunnerStarts", "stopAfterHangs", "textLimit",
   "outputCap", "childMemoryHeadroom", "coverage": report the lines each input reaches,
   "tests": the behaviour tests' source, for "entry": "test"}
and writes one JSON line per input to stdout, then {"done": true, "outcomes": N}; or
{"fatal": reason} when the code cannot be loaded. Then it waits for more inputs for the same
loaded code, {"inputs": [{"id", "args"}]} on a line of its own, answered the same way, until
stdin closes: one container serves a whole fuzz pass, each round of it a group of inputs.

Three kinds of process, and only the first is trusted:
- the supervisor (this process, pid 1 of the container) never runs target code. It alone holds
  stdout, the protocol. It accepts each expected outcome once, rebuilds it field by field with
  every string clipped, enforces every deadline (module load, each input) and kills whatever an
  input left running;
- the runner loads the target module (so module-level code runs here, never in the supervisor)
  and forks one child per input; its stdout and stderr go nowhere;
- each child runs one input with its own time, memory and output limits; what it prints goes to
  an unnamed file the target cannot replace, reported as the input's output, never as protocol.
Runner and children report on a pipe with a per-container nonce: lines without it (a forgery printed
or written to any descriptor) are ignored, as is anything about an input other than the current
one. A target that searches the harness's memory for the nonce can still misreport its own
input, never another input and never the protocol.

In each child, PEP 578 audit hooks (and thin wrappers that raise audit events where a library
has none) watch what the input makes the code do and report security events: a shell, a file
outside the work dir, a host taken from the input, eval of data, deserialisation, SQL, template,
LDAP, XPath and regex syntax from the input, an XML external entity resolved, a log record or
response header split by a line break, markup reflected in an HTML response, a redirect to a host
from the input.

"entry": "call" calls a function, or a method ("Class.method", on an instance built with no
arguments). "entry": "route" drives a Flask route handler through Flask's test client: params
name the request parts ("args.q", "form.user", "headers.X-Token", "cookies.s", "path.id",
"json", "data"). "entry": "module" runs the whole module as a program per input, its params
being "argv" (a list) and "stdin". "entry": "test" runs behaviour tests (the request's "tests"
source) against the code: each input names one test, and "ok" means it passed.

A module the code under test imports that the sandbox lacks loads as a recording stub (named in
a {"stubbed": [...]} line), so the rest of the code still runs.
"""
import json
import os
import re
import resource
import secrets
import select
import signal
import sys
import tempfile
import time
import traceback

TARGET_FILE = "target.py"
TESTS_FILE = "tests.py"
WORK_DIR = os.environ.get("ASC_WORK_DIR", "/work")
MAX_EVENTS = 20
MAX_LINES = 2000
# How much of a response body the oracles read.
RESPONSE_READ = 65536
SHELLS = {"/bin/sh", "sh", "/bin/bash", "bash", "/usr/bin/sh", "/usr/bin/bash", "/bin/dash"}
SHELL_META = re.compile(r"[;&|`$<>\n]|\$\(")
SQL_META = re.compile(r"['\";]|--|/\*")
MARKUP = re.compile(r"<[A-Za-z!/][^<>]{0,60}>?")
# Markup that runs script (a sanitiser may let <b> through; that is no XSS).
EXECUTABLE_MARKUP = re.compile(r"<\s*(script|iframe|object|embed|svg|math|base|form)\b|\bon[a-z]+\s*=|javascript:", re.I)
LINE_BREAK = re.compile(r"[\r\n]")
REGEX_SYNTAX = re.compile(r"[\[\](){}*+?|\\^$]")
LDAP_SYNTAX = re.compile(r"[*()|&\\\x00]")
XPATH_SYNTAX = re.compile(r"['\"\[\]|()]")
# The file the XXE probe among the attack strings names, and a line only that file holds.
XXE_CANARY = "root:x:0:0"
# What code does to files besides opening them (CPython 3.11 audit events): each path argument
# as (its position, what the code does there, the position of its dir_fd or None). os.unlink
# raises os.remove, os.replace os.rename, os.makedirs one os.mkdir per level, shutil.copy and
# shutil.copy2 shutil.copyfile; os.walk and glob raise os.scandir.
PATH_EVENTS = {
    "os.remove": [(0, "removes", 1)],  # (path, dir_fd)
    "os.rmdir": [(0, "removes the directory", 1)],  # (path, dir_fd)
    "os.mkdir": [(0, "creates the directory", 2)],  # (path, mode, dir_fd)
    "os.rename": [(0, "moves", 2), (1, "moves a file to", 3)],  # (src, dst, src_dir_fd, dst_dir_fd)
    "os.link": [(0, "links to", 2), (1, "creates a hard link at", 3)],  # (src, dst, src_dir_fd, dst_dir_fd)
    "os.chmod": [(0, "changes the mode of", 2)],  # (path, mode, dir_fd)
    "os.chown": [(0, "changes the owner of", 3)],  # (path, uid, gid, dir_fd)
    "os.utime": [(0, "changes the times of", 3)],  # (path, times, ns, dir_fd)
    "os.truncate": [(0, "truncates", None)],  # (path, length)
    "os.listdir": [(0, "lists", None)],  # (path,)
    "os.scandir": [(0, "lists", None)],  # (path,)
    "shutil.rmtree": [(0, "removes the tree", 1)],  # (path, dir_fd)
    "shutil.copyfile": [(0, "copies", None), (1, "copies a file to", None)],  # (src, dst)
    "shutil.copytree": [(0, "copies the tree", None), (1, "copies a tree to", None)],  # (src, dst)
    "shutil.move": [(0, "moves", None), (1, "moves a file to", None)],  # (src, dst)
}
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


def strings(value, out):
    """Every string an input carries, whole (bytes as latin-1)."""
    if isinstance(value, bytes):
        out.append(value.decode("latin-1"))
    elif isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            strings(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            strings(key, out)
            strings(item, out)
    return out


def fragments(texts):
    """The text inputs carry, to recognise it when it reaches a dangerous call (taint)."""
    return [text[:64] for text in texts if len(text) >= 3]


def resolve(path, base=WORK_DIR):
    """Where a path the code uses leads, from the directory it is relative to (the work dir the
    code runs in, unless a dir_fd or a link says otherwise)."""
    return os.path.realpath(os.path.join(base, os.fsdecode(path)))


def fd_dir(dir_fd):
    """The directory a path given with this dir_fd is relative to (negative or None: none given)."""
    return WORK_DIR if dir_fd is None or dir_fd < 0 else os.readlink("/proc/self/fd/%d" % dir_fd)


def inside(path, base):
    return path == base or path.startswith(base.rstrip("/") + "/")


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


def called_by_target(skip=lambda code: False):
    """True when the code under test itself made the call: the first frame past the harness's own
    (and past the library wrappers `skip` names) is the target's. Parsing (ast.parse,
    ast.literal_eval) builds a tree and runs nothing, and libraries compile code and regexes they
    generate (SQLAlchemy, dataclasses, Werkzeug) from names that may match an input's words:
    neither is an evaluation of the input."""
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename == __file__ or skip(frame.f_code)):
        frame = frame.f_back
    return frame is not None and frame.f_code.co_filename == TARGET_FILE


def ldap_escaped(text):
    """An LDAP filter value escaped as RFC 4515 asks (what escape_filter_chars produces)."""
    return "".join("\\%02x" % ord(c) if c in "\\*()\x00" else c for c in text)


def socket_getaddrinfo(code):
    """socket.getaddrinfo, the Python wrapper of the C call that raises the event."""
    import socket

    return code.co_filename == socket.__file__ and code.co_name == "getaddrinfo"


def source_text(source):
    return source.decode("latin-1") if isinstance(source, bytes) else source


class Oracle:
    """Turns audit events into security events when the input reached them."""

    def __init__(self, args, roles, entry, source=""):
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

    def tainted_tree(self, tree):
        """The input a syntax tree was built from: both read back as source, so quoting and
        spacing do not hide it."""
        import ast

        try:
            text = ast.unparse(tree)
        except Exception:  # noqa: BLE001 - not a tree after all
            return None
        for fragment in self.taint:
            try:
                if ast.unparse(ast.parse(fragment)) in text:
                    return fragment
            except Exception:  # noqa: BLE001 - a fragment that is no Python is no source of this tree
                continue
        return None

    def check_path(self, path, action, base=WORK_DIR, how=""):
        """A path the code acts on (`action`: "opens", "removes"...) that a piece of the input with
        "../" or a leading "/" leads outside the work dir, /tmp and every trusted base directory.
        A function may act on exactly the path it was handed."""
        if not isinstance(path, (str, bytes, os.PathLike)):
            return  # a descriptor, or no path (os.listdir())
        path = os.fsdecode(path)
        hit = self.tainted(path)
        # The import machinery lists and reads library directories whose names may hold a short
        # input ("/lib"): that is no use of the input.
        if hit is None or not ("../" in hit or hit.startswith("/")) or importing():
            return
        resolved = resolve(path, base)
        allowed = [WORK_DIR, "/tmp"] + self.trusted_dirs
        if not any(inside(resolved, allowed_base) for allowed_base in allowed) and path not in self.given_paths:
            self.add("path", "CWE-22", "%s %s%s outside the work dir and every trusted base directory, from the input %r" % (action, resolved, how, hit))

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
            self.check_path(args[0], "opens", how=" (mode %s)" % (args[1],))
        elif event in PATH_EVENTS:
            for position, action, dir_fd in PATH_EVENTS[event]:
                self.check_path(args[position], action, WORK_DIR if dir_fd is None else fd_dir(args[dir_fd]))
        elif event == "os.symlink":
            # (src, dst, dir_fd): the link's target is relative to the link's own directory.
            link = resolve(args[1], fd_dir(args[2]))
            self.check_path(args[1], "creates a link at", fd_dir(args[2]))
            self.check_path(args[0], "creates a link to", os.path.dirname(link))
        elif event in ("socket.connect", "socket.sendto"):
            address = args[1] if event == "socket.connect" else args[2]
            host = str(address[0]) if isinstance(address, tuple) else str(address)
            if self.tainted_host(host):
                self.add("network", "CWE-918", "connects to %r, a host from the input" % (address,))
        elif event == "socket.getaddrinfo":
            # A lookup the code makes itself inspects a host (to validate it); one a library makes
            # (urllib, requests, socket.create_connection) comes before a connection.
            host = str(args[0])
            if not called_by_target(socket_getaddrinfo) and self.tainted_host(host) and INTERNAL_HOST.match(host):
                self.add("network", "CWE-918", "resolves the internal host %r from the input" % host)
        elif event == "compile":
            source, filename = args[0], args[1]
            # A tree compiles with no file name in the event.
            if filename in ("<string>", "<unknown>", None) and source is not None and called_by_target():
                hit = self.tainted(source_text(source)) if isinstance(source, (str, bytes)) else self.tainted_tree(source)
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
            if self.payload(args[0] if args else None):
                self.add("deserialize", "CWE-502", "marshal loads data from the input")
        elif event == "pickle.find_class":
            module, name = str(args[0]), str(args[1])
            carried = any(module in t and name in t for t in self.texts)
            if carried or any(module.encode() in d and name.encode() in d for d in self.decoded()):
                self.add("deserialize", "CWE-502", "unpickling data from the input imports %s.%s" % (module, name))
        elif event == "asc.deserialize":
            if self.payload(args[1] if len(args) > 1 else None):
                self.add("deserialize", "CWE-502", "%s from the input" % args[0])
        elif event == "asc.response":
            self.check_response(*args)
        elif event == "asc.log":
            hit = self.carried(str(args[0]), LINE_BREAK)
            if hit is not None:
                self.add("log", "CWE-117", "writes a log record with a line break from the input: %r" % clip(str(args[0]), 120))
        elif event == "asc.regex":
            pattern = source_text(args[0]) if isinstance(args[0], (str, bytes)) else ""
            hit = self.tainted(pattern)
            if hit is not None and REGEX_SYNTAX.search(hit) and re.escape(hit) not in pattern:
                self.add("regex", "CWE-1333", "compiles a regular expression with syntax from the input %r" % hit)
        elif event == "asc.ldap":
            hit = self.tainted(str(args[0]))
            if hit is not None and LDAP_SYNTAX.search(hit) and ldap_escaped(hit) not in str(args[0]):
                self.add("ldap", "CWE-90", "runs the LDAP filter %r with syntax from the input %r" % (str(args[0]), hit))
        elif event == "asc.xpath":
            hit = self.tainted(str(args[0]))
            if hit is not None and XPATH_SYNTAX.search(hit):
                self.add("xpath", "CWE-643", "evaluates the XPath %r with syntax from the input %r" % (str(args[0]), hit))
        elif event == "asc.xml":
            data, text = args
            if self.payload(data) and XXE_CANARY in text and not any(XXE_CANARY in t for t in self.texts):
                self.add("xxe", "CWE-611", "an XML document from the input made the parser read a local file through an external entity")
        elif event == "ctypes.dlopen":
            # Libraries call native code with input all the time (pycryptodome does): only an
            # input-chosen library is a finding.
            name = str(args[0])
            hit = self.tainted(name)
            if hit is not None and (name == hit or name.startswith(hit)):
                self.add("library", "CWE-114", "loads the native library %r chosen by the input" % name)


    def check_response(self, status, location, mimetype, body):
        """A Flask response the input shaped: where it redirects, what it reflects. (Headers need
        no oracle: Werkzeug refuses a line break in a header value.)"""
        if 300 <= status < 400 and location:
            from urllib.parse import urlsplit

            host = (urlsplit(location.replace("\\", "/")).hostname or "").lower()
            if host and host != "localhost" and self.tainted_host(host) and host not in self.source.lower():
                self.add("redirect", "CWE-601", "redirects to %r, a host from the input" % location)
        if mimetype == "text/html":
            hit = self.carried(body, MARKUP)
            if hit is not None and EXECUTABLE_MARKUP.search(hit) and hit not in self.source:
                self.add("xss", "CWE-79", "an HTML response carries markup from the input unescaped: %r" % hit)


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
                sys.audit("asc.deserialize", "yaml.load with %s" % (getattr(Loader, "__name__", None) or "no safe Loader"), stream)
            return original_load(stream, Loader=Loader, **kwargs) if Loader is not None else original_load(stream, **kwargs)

        yaml.load = load
        if hasattr(yaml, "unsafe_load"):
            yaml.unsafe_load = audited(yaml.unsafe_load, "asc.deserialize", "yaml.unsafe_load")
    if "logging" in code or "logger" in code:
        watch_logging()
    if "re." in code:
        original_compile_re = re._compile
        library = os.path.dirname(re.__file__)

        def compile_re(pattern, flags):
            if called_by_target(lambda code: code.co_filename.startswith(library)):
                sys.audit("asc.regex", pattern)
            return original_compile_re(pattern, flags)

        re._compile = compile_re
    ldap3 = optional_import("ldap3") if "ldap3" in code else None
    if ldap3 is not None:
        ldap3.Connection.search = audited_at(ldap3.Connection.search, "asc.ldap", 2, "search_filter")
    ldap = optional_import("ldap") if "ldap" in code else None
    if ldap is not None and hasattr(ldap, "ldapobject"):
        # search, search_s and search_st all go through search_ext (base, scope, filterstr).
        ldap.ldapobject.SimpleLDAPObject.search_ext = audited_at(ldap.ldapobject.SimpleLDAPObject.search_ext, "asc.ldap", 3, "filterstr")
    if "xml" in code:
        watch_xml()
    for name in DB_DRIVERS:
        if name in code:
            driver = optional_import(DB_DRIVERS[name])
            if driver is not None:
                driver.connect = stand_in_connect(DB_DRIVERS[name])
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


# Database drivers whose servers the sandbox cannot reach (module as imported -> its connect).
DB_DRIVERS = {"MySQLdb": "MySQLdb", "pymysql": "pymysql", "psycopg2": "psycopg2", "mysql": "mysql.connector"}


class StandInCursor:
    """A cursor with no server behind it: every statement is reported as the SQL the code runs,
    and every query returns no rows."""

    rowcount = 0
    lastrowid = None
    description = None

    def execute(self, sql, *args, **kwargs):
        sys.audit("asc.sql", sql.decode("latin-1") if isinstance(sql, bytes) else str(sql))
        return 0

    def executemany(self, sql, *args, **kwargs):
        return self.execute(sql)

    def fetchone(self):
        return None

    def fetchall(self):
        return []

    def fetchmany(self, *args, **kwargs):
        return []

    def close(self):
        pass

    def __iter__(self):
        return iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class StandInConnection:
    """What a driver's connect returns in the sandbox: no network, so no server; its cursors
    report their SQL to the oracle."""

    autocommit = True

    def cursor(self, *args, **kwargs):
        return StandInCursor()

    def commit(self):
        pass

    def rollback(self):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def stand_in_connect(driver):
    def connect(*args, **kwargs):
        return StandInConnection()

    connect.__qualname__ = "%s.connect" % driver
    return connect


def watch_logging():
    """Log records as they are written: a handler's formatter sees the message after every filter
    (a sanitising filter, a JSON formatter that escapes is no injection); a record no handler
    takes goes to logging's last resort as its bare message."""
    import logging

    original_format = logging.Formatter.format

    def format_record(self, record):
        text = original_format(self, record)
        sys.audit("asc.log", text)
        return text

    logging.Formatter.format = format_record
    original_call_handlers = logging.Logger.callHandlers

    def call_handlers(self, record):
        logger, handled = self, False
        while logger is not None and not handled:
            handled = bool(logger.handlers)
            logger = logger.parent if logger.propagate else None
        if not handled:
            try:
                sys.audit("asc.log", record.getMessage())
            except Exception:  # noqa: BLE001 - a record that cannot format is the logger's to report
                pass
        return original_call_handlers(self, record)

    logging.Logger.callHandlers = call_handlers
    # Records below WARNING count too: production loggers often run at INFO.
    logging.getLogger().setLevel(logging.DEBUG)


def audited_at(function, event, position, keyword):
    """Wraps a method so each call raises `event` with its argument at `position` (self is 0), or
    given as `keyword`."""

    def wrapper(*args, **kwargs):
        value = args[position] if len(args) > position else kwargs.get(keyword)
        if value is not None:
            sys.audit(event, value)
        return function(*args, **kwargs)

    return wrapper


def watch_xml():
    """XML parsers: what a document from the input made them read (external entities), and the
    XPath and ElementPath queries the code builds."""
    etree = optional_import("lxml.etree")
    if etree is not None:
        for name in ("fromstring", "XML", "parse"):
            setattr(etree, name, parsed_xml(getattr(etree, name)))
        class XPath(etree.XPath):
            """A subclass, so code that subclasses XPath (cssselect) still can."""

            def __init__(self, path, *args, **kwargs):
                sys.audit("asc.xpath", path)
                super().__init__(path, *args, **kwargs)

        etree.XPath = XPath
    import xml.dom.minidom
    import xml.etree.ElementPath
    import xml.etree.ElementTree

    for module, name in ((xml.dom.minidom, "parseString"), (xml.etree.ElementTree, "fromstring"), (xml.etree.ElementTree, "XML")):
        setattr(module, name, parsed_xml(getattr(module, name)))
    for name in ("find", "findall", "findtext", "iterfind"):
        setattr(xml.etree.ElementPath, name, audited_at(getattr(xml.etree.ElementPath, name), "asc.xpath", 1, "path"))


def parsed_xml(parse):
    """A parser entry point that reports the document it was given and the text it produced."""

    def wrapper(source, *args, **kwargs):
        result = parse(source, *args, **kwargs)
        try:
            sys.audit("asc.xml", source, xml_text(result))
        except Exception:  # noqa: BLE001 - an oracle must never change the outcome
            pass
        return result

    return wrapper


def xml_text(node):
    if hasattr(node, "toxml"):
        return node.toxml()
    root = node.getroot() if hasattr(node, "getroot") else node
    return "".join(root.itertext()) if hasattr(root, "itertext") else ""


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
        sys.audit(event, detail, args[0] if args else None)
        return function(*args, **kwargs)

    return wrapper


def optional_import(name):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        return None


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
    body = response.get_data()[:RESPONSE_READ].decode("utf-8", "replace")
    sys.audit("asc.response", response.status_code, response.headers.get("Location"), response.mimetype, body)
    return "%s %s" % (response.status_code, body[:200])


LOGGER_NAMES = re.compile(r"^(logger|log|_logger|_log)$", re.I)
CONNECTION_NAMES = re.compile(r"^(conn|connection|con)$", re.I)
CURSOR_NAMES = re.compile(r"^(cursor|cur)$", re.I)


def live_object(name, value):
    """What a trusted parameter that names a live object stands for, when the input holds plain
    data in its place: a logger, or a SQLite connection or cursor (in memory, audited), so
    functions that take one run for real."""
    if not isinstance(value, (str, bytes, int, float, type(None))):
        return value
    if LOGGER_NAMES.match(name):
        import logging

        return logging.getLogger("target")
    if CONNECTION_NAMES.match(name) or CURSOR_NAMES.match(name):
        import sqlite3

        connection = audited_sqlite_connect(sqlite3)(":memory:")
        return connection.cursor() if CURSOR_NAMES.match(name) else connection
    return value


def line_tracer(reached):
    """Records the lines of the code under test an input reaches (library frames are not traced)."""

    def local(frame, event, _arg):
        if event == "line":
            reached.add(frame.f_lineno)
        return local

    def enter(frame, _event, _arg):
        return local if frame.f_code.co_filename == TARGET_FILE else None

    return enter


def coverable_lines(code):
    """The lines of a code object and the code nested in it that can run, less their def lines."""
    lines = set()
    stack = [code]
    while stack:
        current = stack.pop()
        if current.co_filename != TARGET_FILE:
            continue
        first = current.co_firstlineno if current.co_name != "<module>" else None
        lines.update(line for _, _, line in current.co_lines() if line is not None and line != first)
        stack.extend(c for c in current.co_consts if hasattr(c, "co_lines"))
    return sorted(lines)


# ---- the child: one input ----

def run_child(call, item, index, report, batch, source_lines):
    limit = int(batch["textLimit"])
    me = os.getpid()
    try:
        args = [decode(a) for a in item["args"]]
    except Exception as exc:  # noqa: BLE001 - a value the harness cannot build is no crash of the target
        report({"i": index, "unbuildable": "%s: %s" % (type(exc).__name__, exc)})
        os._exit(0)
    roles = list(batch.get("roles") or [])
    # A test's name is no attacker input: behaviour tests carry no taint.
    oracle = Oracle(args if batch["entry"] != "test" else [], roles, batch["entry"], batch["code"])
    args = [live_object(name, value) if role == "trusted" else value for name, role, value in zip(batch["params"] + [""] * len(args), roles + ["attacker"] * len(args), args)]
    sys.addaudithook(oracle.hook)
    reached = set()
    if batch.get("coverage") is True:
        sys.settrace(line_tracer(reached))
    try:
        result = call(args)
        outcome = {"status": "ok", "returned": clip(repr(result), limit)}
    except SystemExit as exc:
        # A program that exits says so on purpose: with success, or rejecting its input.
        failed = exc.code not in (None, 0)
        outcome = {"status": "rejected", "exceptionType": "SystemExit", "message": clip(str(exc.code), limit), "line": None} if failed else {"status": "ok", "returned": "None"}
    except BaseException as exc:  # noqa: BLE001 - every exception is an outcome to report
        if isinstance(exc, OSError) and exc.filename is not None:
            # A traversal that fails (a missing directory on the way) is still an attempt; no
            # audit event fires for the stat that failed.
            oracle.hook("open", (exc.filename, "access"))
        target_frames = [f for f in frames_of(exc.__traceback__) if f.filename == TARGET_FILE]
        outcome = {
            "status": "rejected" if deliberate_raise(exc.__traceback__, source_lines) else "exception",
            "exceptionType": clip(type(exc).__name__, 200),
            "message": clip(str(exc), limit),
            "line": target_frames[-1].lineno if target_frames else None,
        }
    if os.getpid() != me:
        os._exit(0)  # a process the input forked: only the input's own process reports
    sys.settrace(None)
    outcome["events"] = oracle.events
    if reached:
        outcome["lines"] = sorted(reached)[:MAX_LINES]
    report({"i": index, "outcome": outcome})
    os._exit(0)


# ---- the runner: loads the target, forks a child per input ----

deadline = {"pid": 0, "hit": False}


def on_deadline(_sig, _frame):
    deadline["hit"] = True
    try:
        os.killpg(deadline["pid"], signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def read_output(fd, limit):
    """Size and head of what the input printed, from its unnamed output file."""
    size = os.fstat(fd).st_size
    if not size:
        return 0, ""
    return size, os.pread(fd, limit, 0).decode("utf-8", "replace")


def run_input(call, item, index, report, batch, memory_cap, source_lines, commands):
    limit = int(batch["textLimit"])
    output_cap = int(batch["outputCap"])
    # Unnamed (O_TMPFILE): the target cannot swap it for a FIFO or a link.
    output = tempfile.TemporaryFile(dir="/tmp")
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.close(commands)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_cap, output_cap))
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))
        run_child(call, item, index, report, batch, source_lines)
    deadline["pid"], deadline["hit"] = pid, False
    signal.setitimer(signal.ITIMER_REAL, int(batch["timeoutMs"]) / 1000.0)
    # Wait for the child itself, not for a pipe's end: a daemon it forked may hold the pipe.
    _, status = os.waitpid(pid, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        os.killpg(pid, signal.SIGKILL)  # the supervisor kills strays outside the group too
    except (ProcessLookupError, PermissionError):
        pass
    size, head = read_output(output.fileno(), limit)
    output.close()
    end = {"timedOut": deadline["hit"] and os.WIFSIGNALED(status)}
    if os.WIFSIGNALED(status):
        end["signal"] = os.WTERMSIG(status)
    else:
        end["exitCode"] = os.WEXITSTATUS(status)
    if size:
        end["output"] = {"bytes": size, "head": head, "truncated": size >= output_cap}
    report({"i": index, "end": end})


class Stub:
    """Stands in for whatever a module the sandbox lacks provides: every attribute, call, item,
    iteration and context answers, so the code that imports it still runs (its results are
    stubs, never data)."""

    def __init__(self, name):
        object.__setattr__(self, "_asc_name", name)

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Stub("%s.%s" % (self._asc_name, attr))

    def __setattr__(self, attr, value):
        pass

    def __call__(self, *args, **kwargs):
        return Stub(self._asc_name + "()")

    def __getitem__(self, key):
        return Stub("%s[%r]" % (self._asc_name, key))

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "<stub %s>" % self._asc_name

    def __mro_entries__(self, bases):
        return (StubBase,)


class StubBase:
    """What a class deriving from a stubbed class derives from instead."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return Stub("%s.%s" % (type(self).__name__, attr))


class StubFinder:
    """Last on the import path: a module the code under test imports itself and that no other
    finder has becomes a stub module, recorded by name. Imports made by libraries (their optional
    dependencies) still fail as they would anywhere."""

    def __init__(self):
        self.stubbed = []
        # Imports the code guards itself (try: import ujson / except ImportError: import json).
        self.optional = set()

    def find_spec(self, name, path=None, target=None):
        import importlib.util

        top = name.partition(".")[0]
        # A missing name of a real package (from json import nothing) stays an ImportError.
        if not imported_by_target() or ("." in name and top not in self.stubbed) or top in self.optional:
            return None
        if top not in self.stubbed:
            self.stubbed.append(top)
        return importlib.util.spec_from_loader(name, self, is_package=True)

    def create_module(self, spec):
        import types

        class StubModule(types.ModuleType):
            def __getattr__(self, attr):
                if attr.startswith("__") and attr.endswith("__"):
                    raise AttributeError(attr)
                return Stub("%s.%s" % (self.__name__, attr))

        module = StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def guarded_imports(tree):
    """Top-level names of modules imported inside a try whose handlers catch a failed import: the
    code has a fallback, which a stub would take away."""
    import ast

    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        caught = set()
        for handler in node.handlers:
            kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            caught.update("BaseException" if k is None else getattr(k, "id", getattr(k, "attr", "")) for k in kinds)
        if not caught & IMPORT_ERRORS:
            continue
        for inner in (n for statement in node.body for n in ast.walk(statement)):
            if isinstance(inner, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                names.add(inner.module.partition(".")[0])
    return names


def imported_by_target():
    """True when the import statement being served is in the code under test."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name == TARGET_FILE:
            return True
        if name != __file__ and "importlib" not in name:
            return False
        frame = frame.f_back
    return False


STUBS = StubFinder()


def target_namespace(name):
    return {"__name__": name, "__file__": os.path.join(WORK_DIR, TARGET_FILE), "__builtins__": __builtins__}


def run_module(compiled, args):
    """A script run as a program: its input arrives as command-line arguments and stdin."""
    import io

    argv, stdin = (list(args) + [[], ""])[:2]
    sys.argv = [TARGET_FILE] + [as_text(a) or "" for a in (argv if isinstance(argv, list) else [argv])]
    sys.stdin = io.StringIO(as_text(stdin) or "")
    exec(compiled, target_namespace("__main__"))
    return None


def load_target(batch):
    """Runs the module and returns the callable for one input's args and the code object of what
    it runs (for coverage), or raises with a reason."""
    code = batch["code"]
    watch_libraries(code)
    import ast

    STUBS.optional = guarded_imports(ast.parse(code))
    sys.meta_path.append(STUBS)
    compiled = compile(code, TARGET_FILE, "exec")
    name = batch["function"]
    if batch["entry"] == "module":
        # The program runs once per input; its imports are loaded here, once.
        imports = [node for node in ast.parse(code).body if isinstance(node, (ast.Import, ast.ImportFrom))]
        exec(compile(ast.Module(body=imports, type_ignores=[]), TARGET_FILE, "exec"), target_namespace("target"))
        return (lambda args: run_module(compiled, args)), compiled
    namespace = target_namespace("target")
    exec(compiled, namespace)
    if batch["entry"] == "test":
        # The tests see the code's names, as HumanEval's check(candidate) and a module that did
        # `from target import *` would.
        tests = dict(namespace, __name__="tests", __file__=os.path.join(WORK_DIR, TESTS_FILE))
        exec(compile(batch.get("tests") or "", TESTS_FILE, "exec"), tests)
        return (lambda args: run_test(tests, name, args[0], batch.get("tests") or "")), None
    if batch["entry"] == "route":
        app = find_flask_app(namespace)
        if app is None:
            raise LookupError("no Flask app in the code to drive the route %r" % name)
        app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=True)
        params = batch["params"]
        client = app.test_client()  # created once: each forked child gets its own copy
        view = app.view_functions.get(name)
        return (lambda args: call_route(app, client, name, params, args)), getattr(view, "__code__", None)
    owner, _, method = name.rpartition(".")
    if owner:
        # A method of a class that needs no arguments to build: one instance per input.
        cls = namespace.get(owner)
        if not isinstance(cls, type):
            raise LookupError("no class named %r in the code" % owner)
        if not callable(getattr(cls, method, None)):
            raise LookupError("class %r has no method %r" % (owner, method))
        return (lambda args: getattr(cls(), method)(*args)), getattr(getattr(cls, method), "__code__", None)
    func = namespace.get(name)
    if not callable(func):
        raise LookupError("no function named %r in the code" % name)
    return (lambda args: func(*args)), getattr(func, "__code__", None)


def run_test(tests, entry_point, name, source):
    """One behaviour test: HumanEval's check(candidate) ("check"), the docstring examples of a
    function ("doctest:NAME"), or a test function of the tests' own ("test_x"). It passes when it
    returns; a bare failed assert says which line of the tests failed."""
    try:
        if name == "check":
            tests["check"](tests[entry_point])
        elif name.startswith("doctest:"):
            run_doctests(tests, name[len("doctest:"):])
        else:
            tests[name]()
    except AssertionError as exc:
        if str(exc):
            raise
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == TESTS_FILE]
        lines = source.splitlines()
        where = frames[-1].lineno if frames else None
        text = lines[where - 1].strip() if where and where <= len(lines) else "an assertion"
        raise AssertionError("failed at line %s of the tests: %s" % (where, text)) from None


def run_doctests(namespace, name):
    import doctest

    obj = namespace.get(name)
    if obj is None:
        raise LookupError("the code no longer defines %r, whose docstring examples are tests" % name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = []
    for test in doctest.DocTestFinder(recurse=False).find(obj, name, globs=dict(namespace)):
        runner.run(test, out=report.append)
    if runner.failures:
        raise AssertionError("".join(report).strip())


def runner_main(batch, nonce, commands, results):
    def report(message):
        message["n"] = nonce
        os.write(results, (json.dumps(message) + "\n").encode())

    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # module-level prints go nowhere; stdout is the supervisor's alone
    try:
        call, target_code = load_target(batch)
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt at import too
        report({"loadError": "%s: %s" % (type(exc).__name__, exc)})
        os._exit(0)
    # Set after the module ran, so module code cannot take the deadline away.
    signal.signal(signal.SIGALRM, on_deadline)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    source_lines = batch["code"].splitlines()
    # Headroom over what the loaded module maps (a child starts as a copy): a runaway allocation
    # fails with MemoryError in the child long before the container's cgroup limit is reached.
    with open("/proc/self/statm") as statm:
        memory_cap = int(statm.read().split()[0]) * resource.getpagesize() + int(batch["childMemoryHeadroom"])
    report({"loaded": True, "coverable": coverable_lines(target_code)[:MAX_LINES] if target_code is not None else []})
    pending = b""
    while True:
        chunk = os.read(commands, 4096)
        if not chunk:
            os._exit(0)
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            command = json.loads(line)
            run_input(call, command["item"], command["i"], report, batch, memory_cap, source_lines, commands)


# ---- the supervisor: trusted, never runs target code ----

MAX_MESSAGE_BYTES = 256 * 1024
STATUSES_FROM_CHILD = {"ok", "rejected", "exception"}
EVENT_KINDS = {"shell", "process", "argument", "path", "network", "eval", "template", "sql", "deserialize", "library", "redirect", "xss", "log", "regex", "ldap", "xpath", "xxe"}
CWE = re.compile(r"^CWE-\d{1,6}$")


def emit(obj):
    os.write(1, (json.dumps(obj) + "\n").encode())


class Runner:
    """The process that holds the loaded target, seen from the supervisor."""

    def __init__(self, batch, nonce):
        self.nonce = nonce
        results_r, results_w = os.pipe()
        commands_r, commands_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(results_r)
            os.close(commands_w)
            try:
                runner_main(batch, nonce, commands_r, results_w)
            finally:
                os._exit(0)
        os.close(results_w)
        os.close(commands_r)
        self.results = results_r
        self.commands = commands_w
        self.pending = b""
        self.skipping = False
        self.closed = False
        self.exit_status = None
        self.coverable = []

    def alive(self):
        if self.exit_status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid == self.pid:
                self.exit_status = status
        return self.exit_status is None

    def messages(self, timeout_s):
        """The authentic messages that arrive within timeout_s (maybe none)."""
        watched = [0] if self.closed else [self.results, 0]
        ready, _, _ = select.select(watched, [], [], max(0.0, timeout_s))
        if 0 in ready:
            STDIN.poll()
        if self.results not in ready or self.closed:
            return []
        chunk = os.read(self.results, 65536)
        if not chunk:
            self.closed = True  # every writer is gone
            return []
        out = []
        while chunk:
            cut = chunk.find(b"\n")
            part, chunk = (chunk, b"") if cut < 0 else (chunk[:cut], chunk[cut + 1:])
            if not self.skipping:
                self.pending += part
            if len(self.pending) > MAX_MESSAGE_BYTES:
                self.pending, self.skipping = b"", True  # drop an oversized line up to its end
            if cut >= 0:
                if not self.skipping:
                    out.append(self.pending)
                self.pending, self.skipping = b"", False
        return [m for m in (parse_message(line, self.nonce) for line in out) if m is not None]

    def drain(self):
        """Every message already in the pipe."""
        out = []
        while not self.closed and select.select([self.results], [], [], 0)[0]:
            out.extend(self.messages(0))
        return out

    def send(self, index, item):
        """Input `item` under its number in the container's life: a late message about an
        input of an earlier group never matches a later one."""
        data = (json.dumps({"i": index, "item": item}) + "\n").encode()
        while data:
            data = data[os.write(self.commands, data):]

    def close(self):
        for fd in (self.results, self.commands):
            try:
                os.close(fd)
            except OSError:
                pass


class Abandoned(Exception):
    """stdin closed: the worker that reads this batch is gone, so the batch ends at once."""


class Stdin:
    """The worker's lines: the batch, then each further group of inputs. It writes a group only
    once the one before is done, and its end means nobody reads the harness any more."""

    def __init__(self):
        self.buffer = b""
        self.ended = False

    def poll(self):
        """Takes what arrived (stdin is readable); raises Abandoned at its end."""
        chunk = os.read(0, 1 << 16)
        if not chunk:
            self.ended = True
            raise Abandoned()
        self.buffer += chunk

    def line(self):
        """The next whole line, waiting for it; None once stdin has ended."""
        while b"\n" not in self.buffer and not self.ended:
            try:
                self.poll()
            except Abandoned:
                break
        if b"\n" not in self.buffer:
            return None
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line


STDIN = Stdin()


def parse_message(line, nonce):
    try:
        message = json.loads(line.decode("utf-8", "replace"))
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("n") != nonce:
        return None
    return message


def text(value, limit):
    return clip(value, limit) if isinstance(value, str) else None


def clean_events(raw):
    events = []
    for event in raw if isinstance(raw, list) else []:
        if len(events) >= MAX_EVENTS:
            break
        if isinstance(event, dict) and event.get("kind") in EVENT_KINDS and isinstance(event.get("cwe"), str) and CWE.match(event["cwe"]):
            events.append({"kind": event["kind"], "cwe": event["cwe"], "detail": text(event.get("detail"), 300) or ""})
    return events


def stand_ins(code):
    """The modules the code imports that run as stand-ins: those the sandbox lacks (recording
    stubs) and the database drivers whose connections are replaced. Worked out here from the
    source, never from what the code under test reports, and without running any of it."""
    import ast
    import importlib.util

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    imported = []
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
        imported += [n.partition(".")[0] for n in names if n.partition(".")[0] not in imported]
    guarded = guarded_imports(tree)
    missing = [n for n in imported if n not in guarded and n not in DB_DRIVERS and importlib.util.find_spec(n) is None]
    return (missing + [n for n in imported if n in DB_DRIVERS])[:20]


def line_numbers(raw):
    """Line numbers as the code reported them: whole, positive, sorted, at most MAX_LINES."""
    if not isinstance(raw, list):
        return []
    return sorted({n for n in raw if isinstance(n, int) and not isinstance(n, bool) and 0 < n < 10**7})[:MAX_LINES]


def clean_outcome(raw, limit):
    """The child's account of its input, rebuilt from the fields it may set; None when malformed."""
    if not isinstance(raw, dict) or raw.get("status") not in STATUSES_FROM_CHILD:
        return None
    if raw["status"] == "ok":
        returned = text(raw.get("returned"), limit)
        return None if returned is None else {"status": "ok", "returned": returned, "events": clean_events(raw.get("events")), "lines": line_numbers(raw.get("lines"))}
    line = raw.get("line")
    return {
        "status": raw["status"],
        "exceptionType": text(raw.get("exceptionType"), 200) or "Exception",
        "message": text(raw.get("message"), limit) or "",
        "line": line if isinstance(line, int) and not isinstance(line, bool) and 0 < line < 10**7 else None,
        "events": clean_events(raw.get("events")),
        "lines": line_numbers(raw.get("lines")),
    }


def judge(outcome, end, limit, output_cap):
    """One input's outcome from what its child said and how its process ended."""
    if end.get("timedOut") is True:
        result = {"status": "timeout", "events": outcome["events"] if outcome else []}
    elif outcome is not None:
        result = outcome
    elif isinstance(end.get("signal"), int):
        result = {"status": "killed", "signal": end["signal"], "events": []}
    else:
        code = end.get("exitCode")
        result = {"status": "exited", "exitCode": code if isinstance(code, int) and 0 <= code < 256 else 0, "events": []}
    output = end.get("output")
    if isinstance(output, dict) and isinstance(output.get("bytes"), int) and output["bytes"] > 0:
        result["output"] = {"bytes": min(output["bytes"], output_cap), "head": text(output.get("head"), limit) or "", "truncated": output.get("truncated") is True}
    return result


def kill_strays(keep):
    """Kills every process but the supervisor and `keep` (daemons, fork bombs, a dead runner's
    children) and reaps them. Only pid 1 of the container can see them all."""
    me = os.getpid()
    if me != 1:
        return
    for _ in range(500):
        reap()  # orphans that exited count as processes until reaped
        others = [(pid, state, ppid) for pid, state, ppid in processes() if pid != me and pid not in keep]
        live = [pid for pid, state, _ in others if state not in (b"Z", b"X")]
        dying = [pid for pid, state, ppid in others if state in (b"Z", b"X") and ppid == me]
        if not live and not dying:
            return
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.001)


def processes():
    """(pid, state, parent pid) of every process in the container."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            found.append((int(entry), fields[0], int(fields[1])))
        except (OSError, IndexError, ValueError):
            continue
    return found


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def start_runner(batch, nonce):
    """A runner with the target loaded, or a reason the code cannot be loaded."""
    runner = Runner(batch, nonce)
    limit = int(batch["textLimit"])
    due = time.monotonic() + int(batch["loadTimeoutMs"]) / 1000.0
    while True:
        for message in runner.messages(min(0.05, due - time.monotonic())):
            if message.get("loaded") is True:
                runner.coverable = line_numbers(message.get("coverable"))
                return runner, None
            if isinstance(message.get("loadError"), str):
                return runner, "the code failed to load: %s" % clip(message["loadError"], limit)
        if not runner.alive():
            status = runner.exit_status
            how = "was killed by signal %d" % os.WTERMSIG(status) if os.WIFSIGNALED(status) else "exited with code %d" % os.WEXITSTATUS(status)
            return runner, "the code ended its process while loading (it %s)" % how
        if time.monotonic() >= due:
            return runner, "the code did not finish loading within %d s" % (int(batch["loadTimeoutMs"]) // 1000)


def run_one(runner, index, item, batch):
    """Runs `item` as input `index` on the runner: its outcome, or None when the runner died or hung."""
    limit, output_cap = int(batch["textLimit"]), int(batch["outputCap"])
    runner.send(index, item)
    due = time.monotonic() + (int(batch["timeoutMs"]) + int(batch["backstopMs"])) / 1000.0
    outcome = None
    while time.monotonic() < due:
        for message in runner.messages(min(0.05, due - time.monotonic())):
            if message.get("i") != index:
                continue
            if isinstance(message.get("unbuildable"), str):
                return {"status": "not-run", "reason": "the harness could not build this input: %s" % clip(message["unbuildable"], limit), "events": []}
            if "outcome" in message and outcome is None:
                outcome = clean_outcome(message["outcome"], limit)
            elif isinstance(message.get("end"), dict):
                return judge(outcome, message["end"], limit, output_cap)
        if not runner.alive() and (outcome is not None or not [p for p, state, _ in processes() if p != os.getpid() and state != b"Z"]):
            # The input ended its runner (a kill of its parent, say): what it reported stands.
            # Once nothing else runs, every byte it wrote is in the pipe already.
            for message in runner.drain():
                if message.get("i") == index and "outcome" in message and outcome is None:
                    outcome = clean_outcome(message["outcome"], limit)
            return outcome if outcome is not None else {"status": "killed", "signal": signal.SIGKILL, "events": []}
    return None


class Container:
    """What lasts from one group of inputs to the next: the runner with the code loaded, and the
    number of the next input."""

    def __init__(self, batch):
        self.batch = batch
        self.nonce = secrets.token_hex(16)
        self.runner = None
        self.announced = False
        self.next_index = 0

    def run_group(self, inputs):
        """Runs a group of inputs, one outcome line each, then the end marker; False when the
        code cannot be loaded (the container is of no further use)."""
        batch = self.batch
        stop_after = int(batch["stopAfterHangs"])
        emitted, starts, hangs = 0, 0, 0
        stopped = None
        for item in inputs:
            if stopped is None and self.runner is None:
                if starts >= int(batch["maxRunnerStarts"]):
                    stopped = "the code's process was restarted %d times (inputs that hang or end it): the batch stopped early" % starts
                else:
                    self.runner, problem = start_runner(batch, self.nonce)
                    starts += 1
                    if problem is not None:
                        emit({"fatal": problem})
                        return False
                    if not self.announced:
                        self.announced = True
                        emit({"loaded": {"stubbed": stand_ins(batch["code"]), "coverable": self.runner.coverable}})
            if stopped is not None:
                emit({"id": item["id"], "status": "not-run", "reason": stopped, "events": []})
                emitted += 1
                continue
            runner = self.runner
            outcome = run_one(runner, self.next_index, item, batch)
            self.next_index += 1
            if outcome is None or not runner.alive():
                kill_strays(set())  # a hung or dead runner is replaced before the next input
                runner.close()
                self.runner = None
            else:
                kill_strays({runner.pid})
            if outcome is None:
                outcome = {"status": "timeout", "events": []}
            hangs = hangs + 1 if outcome["status"] in ("timeout", "killed") else 0
            outcome["id"] = item["id"]
            emit(outcome)
            emitted += 1
            if hangs >= stop_after and stopped is None:
                stopped = "skipped: %d inputs in a row timed out or were killed, so the batch stopped early" % hangs
        emit({"done": True, "outcomes": emitted})
        return True

    def close(self):
        if self.runner is not None:
            self.runner.close()
        kill_strays(set())


def next_group():
    """The inputs of the next group, or None once the worker has no more."""
    line = STDIN.line()
    if line is None:
        return None
    try:
        inputs = json.loads(line)["inputs"]
        if isinstance(inputs, list) and all(isinstance(i, dict) and isinstance(i.get("id"), str) and isinstance(i.get("args"), list) for i in inputs):
            return inputs
    except (ValueError, KeyError, TypeError, RecursionError):
        pass
    emit({"fatal": "the harness could not read a group of inputs: expected {\"inputs\": [{\"id\", \"args\"}]}"})
    return None


def supervise(batch):
    container = Container(batch)
    try:
        inputs = batch["inputs"]
        while inputs is not None and container.run_group(inputs):
            inputs = next_group()
    finally:
        container.close()


def guard_supervisor():
    """Children run as the same user: without this they could open /proc/1/fd/1 (the protocol)
    or attach to the supervisor. A process that is not dumpable is off limits to them."""
    import ctypes

    pr_set_dumpable = 4
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def main():
    guard_supervisor()
    sys.set_int_max_str_digits(0)
    try:
        # One line; stdin then stays open until the worker stops reading (see Abandoned).
        batch = json.loads(STDIN.line() or b"")
        batch["inputs"] = list(batch["inputs"])
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        emit({"fatal": clip("the harness could not read its batch: %s: %s" % (type(exc).__name__, exc), 500)})
        return
    os.chdir(WORK_DIR)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        supervise(batch)
    except Abandoned:
        pass  # supervise killed what the inputs left running on its way out


if __name__ == "__main__":
    main()
