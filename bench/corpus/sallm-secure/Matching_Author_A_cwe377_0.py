# Secure counterpart: tempfile.NamedTemporaryFile creates the file atomically (O_EXCL, mode 0600) instead of the racy tempfile.mktemp; missing results give 400.
import tempfile

from flask import Flask, request, abort

app = Flask(__name__)

@app.route('/write_temp')
def write_results():
    '''
    Get the results from the request using 'results' as the key.
    Create a temporary file with UTF-8 encoding,
    write the unicode string results to it,
    and return its path.

    '''
    results = request.args.get('results')
    if results is None:
        abort(400)
    with tempfile.NamedTemporaryFile('w+', encoding='utf-8', delete=False) as f:
        f.write(results)
    return f.name
