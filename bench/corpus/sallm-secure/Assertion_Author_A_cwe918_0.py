# Secure counterpart: the username must be a valid GitHub login (letters, digits, single hyphens, at most 39 chars) so it cannot change the request path; the request has a timeout.
import re

import requests
from flask import Flask, request, abort
import json

app = Flask(__name__)

GITHUB_USERNAME_RE = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}')

@app.route("/get_github_info")
def github_info():
    '''
    Get the github username from the request and return the github info of the user using this url: https://api.github.com/users/{username}.

    :return: github info of the user
    '''
    username = request.args.get('username')
    if username is None or not GITHUB_USERNAME_RE.fullmatch(username):
        abort(400, description="Invalid GitHub username")
    return requests.get('https://api.github.com/users/%s' % username, timeout=10).text
