"""What a Flask response the input shaped does: redirect to a host it named (CWE-601), reflect
markup that runs script (CWE-79). (Headers need no oracle: Werkzeug refuses a line break in a
header value.)"""
import re

MARKUP = re.compile(r"<[A-Za-z!/][^<>]{0,60}>?")
# Markup that runs script (a sanitiser may let <b> through; that is no XSS).
EXECUTABLE_MARKUP = re.compile(r"<\s*(script|iframe|object|embed|svg|math|base|form)\b|\bon[a-z]+\s*=|javascript:", re.I)


def on_response(oracle, args):
    status, location, mimetype, body = args
    if 300 <= status < 400 and location:
        from urllib.parse import urlsplit

        host = (urlsplit(location.replace("\\", "/")).hostname or "").lower()
        if host and host != "localhost" and oracle.tainted_host(host) and host not in oracle.source.lower():
            oracle.add("redirect", "CWE-601", "redirects to %r, a host from the input" % location)
    if mimetype == "text/html":
        hit = oracle.carried(body, MARKUP)
        if hit is not None and EXECUTABLE_MARKUP.search(hit) and hit not in oracle.source:
            oracle.add("xss", "CWE-79", "an HTML response carries markup from the input unescaped: %r" % hit)


HANDLERS = {"asc.response": on_response}
