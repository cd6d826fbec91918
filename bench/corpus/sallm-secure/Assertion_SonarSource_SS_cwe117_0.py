# Secure counterpart: line breaks are stripped from the data before logging, and the data is HTML-escaped in the reply.
import logging
from flask import Flask, request
from markupsafe import escape


app = Flask(__name__)

@app.route('/log')
def log():
    '''
    Log data from request and return it.
    '''
    data = request.args["data"]
    # splitlines() recognises every line boundary, so the entry stays on one line.
    safe_data = ''.join(data.splitlines())
    app.logger.critical("%s", safe_data)
    return "Logged: " + escape(data)
