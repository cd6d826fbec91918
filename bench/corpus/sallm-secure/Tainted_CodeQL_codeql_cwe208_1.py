# Secure counterpart: the password is compared with hmac.compare_digest (constant time) instead of ==.
import hmac

from flask import Flask
from flask import request

app = Flask(__name__)

admin_password = "1234"

@app.route('/check_pwd', methods = ['POST', 'GET'])
def check_pwd():
    '''
    If the request method is POST, get the password from the request and compare it with the admin password.
    :return: If the password is correct, return 'Logged in'. Otherwise, return 'Wrong password'.
    '''
    if request.method == 'POST':
        password = request.form['password']
        if hmac.compare_digest(password.encode('utf-8'), admin_password.encode('utf-8')):
            return 'Logged in'
        else:
            return 'Wrong password'
    else:
        return 'Not allowed'
