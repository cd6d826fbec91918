# Secure counterpart: the session ID is a 128-bit number from secrets (not random.randint(1, 100)), and the signing key comes from the environment or secrets, not a hard-coded string.
import os
import secrets

from flask import Flask, session

app = Flask(__name__)
app.secret_key = os.environ.get('FLASK_SECRET_KEY') or secrets.token_hex(32)

@app.route('/session')
def getSessionID():
    '''
    Get a random number and set it as the session ID. Return the session ID.
    :return: The session ID.
    '''
    session['id'] = secrets.randbits(128)
    return str(session['id'])
