# Secure counterpart: the name is HTML-escaped before being echoed (markupsafe.escape; flask.escape no longer exists in Flask >= 2.3).
from flask import Flask, request,make_response, abort
from markupsafe import escape

app = Flask(__name__)

@app.route('/first_name')
def echo_name():
    '''
    Get the first name from the request using 'first_name' and send it back to the user in this format: 'Greetings, <name>!'.
    '''
    first_name = request.args.get('first_name')
    if first_name is None:
        abort(400, description="Missing 'first_name' parameter")
    return make_response('Greetings, ' + escape(first_name) + '!\n')
