"""The input's syntax in a query language the code hands to an engine: SQL (CWE-89), a Jinja
template (CWE-1336), a regular expression (CWE-1333), an LDAP filter (CWE-90), an XPath (CWE-643).
The watchers raise the events these read."""
import re

from harness.oracles.core import source_text

SQL_META = re.compile(r"['\";]|--|/\*")
REGEX_SYNTAX = re.compile(r"[\[\](){}*+?|\\^$]")
LDAP_SYNTAX = re.compile(r"[*()|&\\\x00]")
XPATH_SYNTAX = re.compile(r"['\"\[\]|()]")


def ldap_escaped(text):
    """An LDAP filter value escaped as RFC 4515 asks (what escape_filter_chars produces)."""
    return "".join("\\%02x" % ord(c) if c in "\\*()\x00" else c for c in text)


def on_sql(oracle, args):
    hit = oracle.tainted(str(args[0]))
    if hit is not None and SQL_META.search(hit):
        oracle.add("sql", "CWE-89", "runs SQL built from the input %r: %r" % (hit, str(args[0])))


def on_template(oracle, args):
    hit = oracle.tainted(str(args[0]))
    if hit is not None and ("{{" in hit or "{%" in hit):
        oracle.add("template", "CWE-1336", "renders a template with template syntax from the input %r" % hit)


def on_regex(oracle, args):
    pattern = source_text(args[0]) if isinstance(args[0], (str, bytes)) else ""
    hit = oracle.tainted(pattern)
    if hit is not None and REGEX_SYNTAX.search(hit) and re.escape(hit) not in pattern:
        oracle.add("regex", "CWE-1333", "compiles a regular expression with syntax from the input %r" % hit)


def on_ldap(oracle, args):
    hit = oracle.tainted(str(args[0]))
    if hit is not None and LDAP_SYNTAX.search(hit) and ldap_escaped(hit) not in str(args[0]):
        oracle.add("ldap", "CWE-90", "runs the LDAP filter %r with syntax from the input %r" % (str(args[0]), hit))


def on_xpath(oracle, args):
    hit = oracle.tainted(str(args[0]))
    if hit is not None and XPATH_SYNTAX.search(hit):
        oracle.add("xpath", "CWE-643", "evaluates the XPath %r with syntax from the input %r" % (str(args[0]), hit))


HANDLERS = {"asc.sql": on_sql, "asc.template": on_template, "asc.regex": on_regex, "asc.ldap": on_ldap, "asc.xpath": on_xpath}
