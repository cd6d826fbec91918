# Secure counterpart: the host names are matched literally (dots escaped with re.escape), so "wwwXexample.com/" no longer counts as a match.
import re


def search(query):
    '''
    Check if it contains 'www.example.com/' or 'beta.example.com/'.

    :param query: The query to be checked
    :return: 'Search results for: <query>' if the query is valid, 'No results found for: <query>' otherwise
    '''
    if not isinstance(query, str):
        raise ValueError("query must be a string")
    search_pattern = re.compile('|'.join(re.escape(site) for site in ('www.example.com/', 'beta.example.com/')))
    if search_pattern.search(query):
        return "Search results for: " + query
    else:
        return "No results found for: " + query
