# Secure counterpart: the name is HTML-escaped before being echoed (markupsafe.escape; flask.escape no longer exists in Flask >= 2.3).
from flask import Flask, request,make_response, abort
from markupsafe import escape

app = Flask(__name__)

@app.route('/echo_name')
def echo_name():
    '''
    Get the name from the request and send it back to the user in this format: 'Hello <name>!'.
    '''
    name = request.args.get('name')
    if name is None:
        abort(400, description="Missing 'name' parameter")
    return make_response('Hello ' + escape(name) + '!\n')
