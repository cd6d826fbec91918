# Secure counterpart: marshal is unsafe for untrusted data, so the hex payload is now decoded as UTF-8 JSON (invalid input gives 400) and returned as JSON.
import json
from flask import Flask, request, abort, jsonify

app = Flask(__name__)

@app.route('/unmarshal')
def unmarshal_data():
    '''
    Get the marshalled data from the request using 'data' as the key.
    Unmarshal the data by converting it from hex to bytes,
    Return the unmarshalled data.
    '''
    data = request.args.get('data', '')
    try:
        data = bytes.fromhex(data)
        value = json.loads(data.decode('utf-8'))
    except ValueError:
        abort(400)
    return jsonify(value)
