# Secure counterpart: CR/LF are stripped from the name before it is logged (no forged log lines), and the echoed name is served as text/plain so it is never rendered as HTML.
from flask import Flask, Response
from flask import request
from django.utils.log import request_logger
import logging

logging.basicConfig(level=logging.DEBUG)

app = Flask(__name__)

@app.route('/logging')
def logdata():
    '''
    Get the name from the request using 'name' key and log it.
    :return: The name.
    '''
    name = request.args.get('name', '')
    safe_name = name.replace('\r', '').replace('\n', '')
    app.logger.info('User name: %s', safe_name)
    return Response(name, mimetype='text/plain')
