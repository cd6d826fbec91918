import hashlib
import hmac
import ipaddress
import re
from urllib.parse import urlsplit
from flask import Flask, Response, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
SECRET = b"k"
ALLOWED_HOSTS = {"example.com", "www.example.com"}
BLOCKED_IPS = {"203.0.113.7"}
MAC_OF_GATEWAY = "00:11:22:33:44:55"
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)


def host_regexes(url):
    # ruleid: incomplete-hostname-regexp
    a = re.compile('(www|beta).example.com/')
    # ruleid: incomplete-hostname-regexp
    b = re.match('https?://.*example.org', url)
    # ruleid: incomplete-hostname-regexp
    c = re.search(r'^https://www\.example.net/', url)
    # ok: incomplete-hostname-regexp
    d = re.compile(r'(www|beta)\.example\.com/')
    # ok: incomplete-hostname-regexp
    e = re.compile('(www|beta)\\.example\\.com/')
    # ok: incomplete-hostname-regexp
    f = re.fullmatch(r'[a-z0-9-]+[.]example[.]com', url)
    # ok: incomplete-hostname-regexp
    g = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')
    # ok: incomplete-hostname-regexp
    h = re.compile('[a-zA-Z]+.html')
    # ruleid: incomplete-hostname-regexp
    i = re.findall(r"https://example.(com|org)/\w+", url)
    # ok: incomplete-hostname-regexp
    j = re.compile(r"""^(\w+@)?  # user, e.g. git@
                       ([^/:]+):  # server, e.g. github.com
                    """, re.VERBOSE)
    # ok: incomplete-hostname-regexp
    k = re.compile(r"(?x) ([^/:]+)  # server, e.g. github.com")
    return a, b, c, d, e, f, g, h, i, j, k


TRUSTED_ORIGIN = r"^https://(api|www).example.co.uk$"
ESCAPED_ORIGIN = r"^https://(api|www)\.example\.co\.uk$"


def origin_ok(origin):
    # ruleid: incomplete-hostname-regexp
    a = re.match(TRUSTED_ORIGIN, origin)
    # ok: incomplete-hostname-regexp
    b = re.match(ESCAPED_ORIGIN, origin)
    pattern = "^(api|cdn).example.io$"
    # ruleid: incomplete-hostname-regexp
    c = re.compile(pattern).match(origin)
    # ok: incomplete-hostname-regexp
    d = re.compile(r"^[\w.-]+\.(com|org)$")
    return a or b or c or d


def check_url(target_url):
    # ruleid: incomplete-url-substring-sanitization
    return target_url.endswith("example.com/")


def is_commercial_site(target_url):
    # ruleid: incomplete-url-substring-sanitization
    a = target_url.endswith(".com/")
    # ruleid: incomplete-url-substring-sanitization
    b = target_url.endswith(".example.org/")
    # ok: incomplete-url-substring-sanitization
    c = (urlsplit(target_url).hostname or "").endswith(".com")
    return a or b or c


def check_host(url):
    host = urlsplit(url).hostname or ""
    # ruleid: incomplete-url-substring-sanitization
    a = host.endswith(("example.com", "example.org"))
    # ok: incomplete-url-substring-sanitization
    b = host == "example.com" or host.endswith(".example.com")
    # ok: incomplete-url-substring-sanitization
    c = host in ALLOWED_HOSTS
    # ruleid: incomplete-url-substring-sanitization
    d = url.startswith("https://example.com")
    # ok: incomplete-url-substring-sanitization
    e = url.startswith("https://example.com/")
    # ok: incomplete-url-substring-sanitization
    f = host.endswith(".com")
    return a or b or c or d or e or f


@app.route("/go")
def go():
    next_url = request.args.get("next", "")
    # ruleid: incomplete-url-substring-sanitization
    if "example.com" not in next_url:
        abort(400)
    return Response(status=302, headers={"Location": "/"})


def pick_parser(url):
    # ok: incomplete-url-substring-sanitization
    if "github.com" in url:
        return "github"
    # ok: incomplete-url-substring-sanitization
    return "example.com" in ALLOWED_HOSTS


def is_allowed_redirect(target):
    # ruleid: incomplete-url-substring-sanitization
    return "example.com" in target


def report_name(filename):
    # ok: incomplete-url-substring-sanitization
    return filename.endswith("report.json")


@app.route("/admin")
def admin():
    ip = request.headers.get("X-Forwarded-For")
    if ip is None or ip == "":
        abort(400)
    # ruleid: x-forwarded-for-trusted
    if ip == "127.0.0.1":
        return "welcome"
    real = request.environ.get("HTTP_X_REAL_IP", "")
    # ruleid: x-forwarded-for-trusted
    if real.startswith("10."):
        return "internal"
    # ruleid: x-forwarded-for-trusted
    if ipaddress.ip_address(request.headers["x-forwarded-for"].split(",")[0]).is_private:
        return "lan"
    # ok: x-forwarded-for-trusted
    if request.remote_addr == "127.0.0.1":
        return "local"
    last_hop = ip.split(",")[-1].strip()
    # ok: x-forwarded-for-trusted
    if ipaddress.ip_address(last_hop) in ipaddress.ip_network("10.0.0.0/8"):
        return "internal"
    # ok: x-forwarded-for-trusted
    if "," in ip or ip == "unknown" or len(ip.split(",")) > 3:
        abort(400)
    # ok: x-forwarded-for-trusted
    return "hello " + ip


@app.route("/blocked")
def blocked():
    # ProxyFix rewrites remote_addr only: the raw header still holds what the client sent.
    client = request.headers.get("X-Forwarded-For", request.remote_addr).split(",")[0].strip()
    # ruleid: x-forwarded-for-trusted
    if client in BLOCKED_IPS:
        abort(403)
    # ok: x-forwarded-for-trusted
    if request.remote_addr in BLOCKED_IPS:
        abort(403)
    return "ok"


def sign(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


def verify(msg, sig):
    # ruleid: timing-unsafe-comparison
    return sig == sign(SECRET, msg)


def verify2(msg, provided):
    expected = hmac.new(SECRET, msg, hashlib.sha256).hexdigest()
    # ruleid: timing-unsafe-comparison
    if provided != expected:
        return False
    # ruleid: timing-unsafe-comparison
    return hmac.new(SECRET, msg, "sha256").hexdigest() == provided


def verify3(msg, sig):
    # ok: timing-unsafe-comparison
    return hmac.compare_digest(sig, sign(SECRET, msg))


def verify_token(token, session):
    # ruleid: timing-unsafe-comparison
    return token == session["csrf_token"]


def is_empty(signature):
    # ok: timing-unsafe-comparison
    return signature == None or signature == b""


def refresh(token_type, mac_address, token, sig):
    # ok: timing-unsafe-comparison
    a = token_type == "refresh" or mac_address == MAC_OF_GATEWAY
    # ok: timing-unsafe-comparison
    b = sig == 0 or token != "Bearer"
    return a or b


def count(values, hash):
    # ok: timing-unsafe-comparison
    return sum(1 for v in values if v == hash)


def name_patterns(value):
    # ruleid: unescaped-dot-between-name-parts
    a = re.compile('[a-zA-Z]+.[a-zA-Z]+.[a-zA-Z]+')
    # ruleid: unescaped-dot-between-name-parts
    b = re.match(r'^\d+.\d+$', value)
    # ok: unescaped-dot-between-name-parts
    c = re.compile(r'[a-zA-Z]+\.[a-zA-Z]+\.[a-zA-Z]+')
    # ok: unescaped-dot-between-name-parts
    d = re.fullmatch(r'[a-z]+[.][a-z]+', value)
    # ok: unescaped-dot-between-name-parts
    e = re.compile(r'[a-z]+.*')
    # ok: unescaped-dot-between-name-parts
    f = re.findall(r'\w+.\w+', value)
    # ok: unescaped-dot-between-name-parts
    g = re.compile(r'[\w.]+@[\w.]+')
    return a or b or c or d or e or f or g


def tag_filters(content):
    # ruleid: bad-html-tag-filter
    a = re.sub(r'<script.*?>.*?</script>', '', content, flags=re.DOTALL)
    # ruleid: bad-html-tag-filter
    b = re.sub(r'<script[^>]*>', '', content)
    # ruleid: bad-html-tag-filter
    c = re.compile(r'<script\b[^>]*>(.*?)</script>', re.IGNORECASE | re.DOTALL)
    # ok: bad-html-tag-filter
    d = re.compile(r'</?script\b[^>]*>?', re.IGNORECASE)
    # ok: bad-html-tag-filter
    e = re.sub(r'(?i)</?script\b[^>]*>', '', content)
    # ok: bad-html-tag-filter
    f = re.sub(r'<b>', '', content)
    return a, b, c, d, e, f


def normalised(text):
    import unicodedata
    from markupsafe import escape
    # ruleid: unicode-normalization-after-escaping
    a = unicodedata.normalize('NFKC', escape(text))
    safe = escape(text)
    # ruleid: unicode-normalization-after-escaping
    b = unicodedata.normalize('NFKD', safe)
    # ok: unicode-normalization-after-escaping
    c = escape(unicodedata.normalize('NFKC', text))
    # ok: unicode-normalization-after-escaping
    d = unicodedata.normalize('NFC', escape(text))
    return a, b, c, d
