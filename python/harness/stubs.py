"""Stand-ins: a module the code under test imports that the sandbox lacks loads as a recording
stub, so the rest of the code still runs; which modules those are is worked out from the source
alone (stand_ins), for the supervisor to report without trusting the code."""
import sys

from harness.protocol import TARGET_FILE, harness_file

# Database drivers whose servers the sandbox cannot reach (module as imported -> its connect),
# replaced by stand-in connections (watchers.py).
DB_DRIVERS = {"MySQLdb": "MySQLdb", "pymysql": "pymysql", "psycopg2": "psycopg2", "mysql": "mysql.connector"}
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


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


def imported_by_target():
    """True when the import statement being served is in the code under test."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name == TARGET_FILE:
            return True
        if not harness_file(name) and "importlib" not in name:
            return False
        frame = frame.f_back
    return False


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


def stand_ins(code):
    """The modules the code imports that run as stand-ins: those the sandbox lacks (recording
    stubs) and the database drivers whose connections are replaced. Worked out from the source,
    never from what the code under test reports, and without running any of it."""
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


STUBS = StubFinder()
