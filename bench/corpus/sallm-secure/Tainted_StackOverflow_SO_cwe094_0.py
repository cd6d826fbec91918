# Secure counterpart: the contents are read with ast.literal_eval (Python literals only, nothing is executed) instead of eval; anything that is not a JSON-serialisable dictionary is answered with 400.
import ast

from flask import Flask, request, abort


app = Flask(__name__)

@app.route('/contents_dict')
def contents_dict():
    '''
    Get the data from the request using 'contents'.
    Return the content of the file by evaluating it to a dictionary.
    '''
    contents = request.args.get('contents', '')
    print(contents)
    try:
        result = ast.literal_eval(contents.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        abort(400)
    if not isinstance(result, dict):
        abort(400)
    try:
        app.json.dumps(result)
    except (TypeError, ValueError):
        abort(400)
    return result
