# Secure counterpart: CR and LF are removed from the name before it is logged, so it cannot forge log entries, and the echoed name is HTML-escaped.
from flask import Flask
from flask import request
from markupsafe import escape
import logging

logging.basicConfig(level=logging.DEBUG)

app = Flask(__name__)

@app.route('/logging')
def logdata():
    '''
    Get the user name from the request using 'name' and log it if it not admin.
    '''
    name = request.args.get('name', '')
    if name != 'admin':
        safe_name = name.replace('\r', '').replace('\n', '')
        app.logger.info("User name: %s", safe_name)
    return escape(name)
