# Secure counterpart: the string is read with ast.literal_eval (Python literals only, nothing is executed) instead of eval and must be a dictionary, otherwise 400; the result is served as text/plain.
import ast

from flask import Flask, request, abort, Response

app = Flask(__name__)

@app.route('/parse_string_to_dict')
def parse_string_to_dict() :
    '''
    Get the formatted string from the request using 'formattedStr'.
    Eval it to a dictionary.
    '''
    formattedStr = request.args.get('formattedStr')
    if formattedStr is None:
        abort(400)
    try:
        result = ast.literal_eval(formattedStr.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        abort(400)
    if not isinstance(result, dict):
        abort(400)
    return Response(str(result), mimetype='text/plain')
