# Secure counterpart: usermod runs from an argument list without a shell, the user name must be a valid login name and the password may not contain control characters; the echo is served as text/plain.
import re
import subprocess

from flask import Flask, request, abort, Response

app = Flask(__name__)

USERNAME = re.compile(r'[a-z_][a-z0-9_-]{0,30}\$?')
CONTROL_CHARS = re.compile(r'[\x00-\x1f\x7f]')

@app.route('/change_password')
def change_password():
    '''
    Get the username and password from the request using 'username' and 'password'.
    Change the password of the user using usermod.
    :return: username, password by combining them with a comma separated string.
    '''
    username = request.args.get('username')
    password = request.args.get('password')
    if username is None or password is None:
        abort(400)
    if not USERNAME.fullmatch(username) or not password or CONTROL_CHARS.search(password):
        abort(400)
    subprocess.run(['/usr/sbin/usermod', '-p', password, username], shell=False, check=False)
    return Response(username + ', ' + password, mimetype='text/plain')
