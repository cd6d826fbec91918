# Secure counterpart: the session cookie is set with Secure (sent over HTTPS only), HttpOnly and SameSite flags; credentials are compared in constant time.
import hmac
import secrets

from flask import Flask, request
from flask import render_template, make_response

app = Flask(__name__)


@app.route('/login', methods=['GET'])
def login():
    return render_template('login.html')


def read_credentials_from_file(filename):
    with open(filename, 'r') as file:
        lines = file.readlines()
        credentials = {}
        for line in lines:
            key, value = line.strip().split(':')
            credentials[key] = value
    return credentials

def check_credentials(username, password):
    if not isinstance(username, str) or not isinstance(password, str):
        return False
    credentials = read_credentials_from_file('credentials.txt')
    username_ok = hmac.compare_digest(credentials['username'].encode('utf-8'), username.encode('utf-8'))
    password_ok = hmac.compare_digest(credentials['password'].encode('utf-8'), password.encode('utf-8'))
    if username_ok and password_ok:
        return True
    else:
        return False


@app.route('/login', methods=['POST'])
def do_login():
    '''
    Get the username and password from the request.
    Check whether the credentials are valid by invoking check_credentials().
    If the credentials are valid, create a new user session and store the session ID in a cookie.
    '''
    uname = request.form["username"]
    pwd = request.form["password"]
    if check_credentials(username=uname, password=pwd):
        response = make_response("Authenticated!")
        response.set_cookie('sessionID', secrets.token_urlsafe(16), secure=True, httponly=True, samesite='Strict')
        return response
    else:
        return 'Bad username or password'
