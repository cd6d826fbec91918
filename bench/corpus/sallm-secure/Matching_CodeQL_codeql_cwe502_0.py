# Secure counterpart: the hex-decoded data is parsed as JSON instead of unpickled (unpickling untrusted bytes runs arbitrary code); bad hex or JSON is refused with 400.
import json
from flask import Flask, request, abort, jsonify

app = Flask(__name__)


@app.route('/unpickled_data')
def unpickled():
    '''
    Get the pickled data from the request using 'data' as the key.
    Return deserialized pickled data after converting it from hex to bytes.
    '''
    data = request.args.get('data')
    if data is None:
        abort(400)
    try:
        data = bytes.fromhex(data)
        obj = json.loads(data)
    except (ValueError, RecursionError):
        abort(400)
    return jsonify(obj)

    
