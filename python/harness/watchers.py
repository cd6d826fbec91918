"""Library watchers: thin wrappers that raise an audit event where a library has none of its
own (pickle.loads, yaml.load, SQL cursors, template compiles, log records, regex compiles, LDAP
and XPath queries, XML parses), and stand-ins for database drivers whose servers the sandbox
cannot reach. Installed in the runner before the code under test loads."""
import os
import re
import sys

from harness.protocol import WORK_DIR
from harness.stubs import DB_DRIVERS

# Bound before the code under test runs: replacing sys.audit does not silence the watchers (and
# the child reports that it was replaced).
audit = sys.audit


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
                audit("asc.deserialize", "yaml.load with %s" % (getattr(Loader, "__name__", None) or "no safe Loader"), stream)
            return original_load(stream, Loader=Loader, **kwargs) if Loader is not None else original_load(stream, **kwargs)

        yaml.load = load
        if hasattr(yaml, "unsafe_load"):
            yaml.unsafe_load = audited(yaml.unsafe_load, "asc.deserialize", "yaml.unsafe_load")
    if "logging" in code or "logger" in code:
        watch_logging()
    if "re." in code:
        watch_regex()
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
            audit("asc.template", source)
            return original_compile(self, source, *args, **kwargs)

        jinja2.Environment.compile = compile_template


def watch_regex():
    """Patterns the code under test compiles itself (library frames past the harness's are not
    the target's)."""
    from harness.oracles.core import called_by_target

    original_compile_re = re._compile
    library = os.path.dirname(re.__file__)

    def compile_re(pattern, flags):
        if called_by_target(lambda code: code.co_filename.startswith(library)):
            audit("asc.regex", pattern)
        return original_compile_re(pattern, flags)

    re._compile = compile_re


class StandInCursor:
    """A cursor with no server behind it: every statement is reported as the SQL the code runs,
    and every query returns no rows."""

    rowcount = 0
    lastrowid = None
    description = None

    def execute(self, sql, *args, **kwargs):
        audit("asc.sql", sql.decode("latin-1") if isinstance(sql, bytes) else str(sql))
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
        audit("asc.log", text)
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
                audit("asc.log", record.getMessage())
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
            audit(event, value)
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
                audit("asc.xpath", path)
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
            audit("asc.xml", source, xml_text(result))
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
            audit("asc.sql", sql)
            return super().execute(sql, *args, **kwargs)

        def executescript(self, sql):
            audit("asc.sql", sql)
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
        audit(event, detail, args[0] if args else None)
        return function(*args, **kwargs)

    return wrapper


def optional_import(name):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        return None
