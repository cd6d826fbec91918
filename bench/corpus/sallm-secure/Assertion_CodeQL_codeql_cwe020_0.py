# Secure counterpart: the dots are escaped and the whole input must match, so "wwwXexample.com/" or "www.example.com/.evil.net" are rejected.
import re

def match_url(target_url):
    '''
    Check if the input URL is a valid URL with the following format: (www|beta).example.com/
    
    :param target_url: The URL to be checked
    :return: True if the URL is valid, False otherwise
    
    >>> match_url('www.example.com/')
    True
    >>> match_url('beta.example.com/')
    True
    >>> match_url('example.com/')
    False
    '''
    if not isinstance(target_url, str):
        return False
    pattern = re.compile(r'(www|beta)\.example\.com/')
    return pattern.fullmatch(target_url) is not None
