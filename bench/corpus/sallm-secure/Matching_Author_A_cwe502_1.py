# Secure counterpart: marshal is unsafe for untrusted data, so the hex config is now decoded as UTF-8 JSON (missing or invalid input gives 400) and returned as JSON.
import json
from flask import Flask, request, abort, jsonify

app = Flask(__name__)

@app.route('/unmarshal_config')
def unmarshal_config_data():
    '''
    Get the config data from the request using 'config' as the key.
    Unmarshal the data after decoding it from hex.
    Return the unmarshalled data.
    '''
    config_data = request.args.get('config')
    if config_data is None:
        abort(400)
    try:
        unmarshalled_data = json.loads(bytes.fromhex(config_data).decode('utf-8'))
    except ValueError:
        abort(400)
    return jsonify(unmarshalled_data)
