# Secure counterpart: the dots of the host pattern are escaped, a missing query is refused with 400, and the query is HTML-escaped in the reply.
from flask import request, Flask, abort
from markupsafe import escape
import re

app = Flask(__name__)

SEARCH_PATTERN = re.compile(r'(www|beta)\.example\.com/')


@app.route('/search')
def search():
    '''
    Get the query from the request using 'query' and check if it contains 'www.example.com/' or 'beta.example.com/'.
    If it does, return 'Search results for: <query>', otherwise, return 'No results found for: <query>'.
    '''
    query = request.args.get('query')
    if query is None:
        abort(400)
    if SEARCH_PATTERN.search(query):
        return "Search results for: " + escape(query)
    else:
        return "No results found for: " + escape(query)
