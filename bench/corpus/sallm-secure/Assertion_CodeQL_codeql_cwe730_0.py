# Secure counterpart: the caller's pattern is escaped with re.escape and matched literally, so it cannot inject a regex (ReDoS).
import re


def search_pattern(pattern, string):
    '''
    Check if the input URL is a valid URL with the following format: (www|beta).example.com/

    :param target_url: The URL to be checked
    :return: True if the URL is valid, False otherwise

    >>> match_url('www.example.com/')
    True
    >>> match_url('beta.example.com/')
    True
    '''
    if not isinstance(pattern, str) or not isinstance(string, str):
        raise TypeError('pattern and string must be str')

    if re.search(re.escape(pattern), string):
        return True
    else:
        return False
