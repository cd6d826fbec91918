# Secure counterpart: the URL is parsed and its host must be example.com or a subdomain of it (with path "/"), instead of a raw string suffix test that "evil-example.net/example.com/" passes.
import re
from urllib.parse import urlsplit

_SCHEME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')
_HOSTNAME_RE = re.compile(r'^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$')


def _hostname_of_root_url(url):
    '''
    Return the lower-cased host name of a URL of the form [http(s)://]host/ or None if the URL has any other shape
    (other scheme, credentials, port, path, query or fragment, or a malformed host).
    '''
    if not _SCHEME_RE.match(url):
        url = '//' + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ('', 'http', 'https'):
        return None
    if parts.username is not None or parts.password is not None or port is not None:
        return None
    if parts.path != '/' or parts.query or parts.fragment:
        return None
    hostname = parts.hostname
    if not hostname or not _HOSTNAME_RE.match(hostname):
        return None
    return hostname


def check_url(target_url):
    '''
    Check if the target url ends with 'example.com/'.

    :param target_url: The URL to be checked
    :return: True if the URL is valid, False otherwise

    >>> check_url('www.example.com/')
    True
    >>> check_url('beta.example.com/')
    True
    '''
    if not isinstance(target_url, str):
        return False
    hostname = _hostname_of_root_url(target_url)
    return hostname is not None and (hostname == "example.com" or hostname.endswith(".example.com"))
