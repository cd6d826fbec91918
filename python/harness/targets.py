"""How the code under test is reached: loading its module, and the call each entry makes per
input (a function or method, a Flask route through the test client, the module as a program,
a behaviour test). Runs in the runner (the load) and in each child (the calls)."""
import json
import os
import re
import sys
import traceback

from harness.protocol import TARGET_FILE, TESTS_FILE, WORK_DIR
from harness.stubs import STUBS, guarded_imports
from harness.watchers import audit, audited_sqlite_connect, watch_libraries

# How much of a response body the oracles read.
RESPONSE_READ = 65536
LOGGER_NAMES = re.compile(r"^(logger|log|_logger|_log)$", re.I)
CONNECTION_NAMES = re.compile(r"^(conn|connection|con)$", re.I)
CURSOR_NAMES = re.compile(r"^(cursor|cur)$", re.I)


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
    audit("asc.response", response.status_code, response.headers.get("Location"), response.mimetype, body)
    return "%s %s" % (response.status_code, body[:200])


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
