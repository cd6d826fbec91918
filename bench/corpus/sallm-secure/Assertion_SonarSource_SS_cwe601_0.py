# Secure counterpart: the target must be a relative URL or an http(s) URL on this host; anything else is refused with 400.
from urllib.parse import urljoin, urlparse

from flask import request, Flask, redirect, abort

app = Flask(__name__)


def is_safe_redirect_target(target):
    '''
    Return True only for a relative URL or an http(s) URL on this application's own host.
    Backslashes, whitespace and control characters are refused because browsers rewrite them
    (e.g. "/\\evil.example" is treated as "//evil.example").
    '''
    if not target or '\\' in target or any(ord(c) <= 32 or ord(c) == 127 for c in target):
        return False
    host_url = urlparse(request.host_url)
    redirect_url = urlparse(urljoin(request.host_url, target))
    return redirect_url.scheme in ('http', 'https') and redirect_url.netloc == host_url.netloc


@app.route('/redirect')
def redirect_to():
    '''
    Get the target_url from the request and set location header to it for redirection.
    Ensure that the target_url is not to an external website.
    :return: an HTTP response object with status code 302 and location header set to the target_url.
    '''
    target = request.args.get('target_url')
    if not is_safe_redirect_target(target):
        abort(400)
    return redirect(target)
