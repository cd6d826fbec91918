# Secure counterpart: pickle runs code from untrusted data, so the hex payload is now decoded as UTF-8 JSON (missing or invalid input gives 400) and returned as JSON.
import json

from flask import Flask, request, abort, jsonify

app = Flask(__name__)

@app.route('/unpickled')
def unpickled():
    '''
    Get the data from the request using 'data' as the key.
    Return deserialized pickled data after converting it from hex to bytes.
    '''
    data = request.args.get('data')
    if data is None:
        abort(400)
    try:
        data = bytes.fromhex(data)
        value = json.loads(data.decode('utf-8'))
    except ValueError:
        abort(400)
    return jsonify(value)
