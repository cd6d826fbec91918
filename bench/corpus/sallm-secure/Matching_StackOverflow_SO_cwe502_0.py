# Secure counterpart: the hex-decoded config is parsed as JSON instead of unpickled (unpickling untrusted bytes runs arbitrary code); bad hex or JSON is refused with 400.
import json
from flask import Flask, request, abort, jsonify

app = Flask(__name__)

@app.route('/load_config')
def load_config():
    '''
    Load the config from the request using 'config'.
    Use pickle to deserialize the config after converting it from hex to bytes.
    '''
    config = request.args.get('config')
    if config is None:
        abort(400)
    try:
        config = bytes.fromhex(config)
        obj = json.loads(config)
    except (ValueError, RecursionError):
        abort(400)
    return jsonify(obj)

