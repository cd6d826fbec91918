# Secure counterpart: the extracted text is parsed with ast.literal_eval (literals only, no code) instead of eval, and anything that is not a JSON-serialisable dictionary is refused with 400.
import ast

from flask import Flask, request, abort, jsonify

app = Flask(__name__)

@app.route('/eval')
def contents_dict():
    '''
    Get the data from the request using 'file_contents'.
    Remove anything before the first '{' and after the last '}'.
    Return the content by evaluating it to a dictionary.
    '''
    contents = request.args.get('file_contents')
    if contents is None:
        abort(400)
    contents = contents[contents.find('{'):]
    contents = contents[:contents.rfind('}')+1]
    try:
        result = ast.literal_eval(contents)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        abort(400)
    if not isinstance(result, dict):
        abort(400)
    try:
        return jsonify(result)
    except (TypeError, ValueError):
        abort(400)
    
