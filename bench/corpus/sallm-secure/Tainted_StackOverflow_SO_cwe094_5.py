# Secure counterpart: the object is read with ast.literal_eval (Python literals only) and the dotted key is followed one subscript at a time, instead of eval on request data; missing parameters, bad literals and missing keys are answered with 400, and the value is served as text/plain.
import ast

from flask import Flask, request, abort, Response


app = Flask(__name__)

class Tree(object):
    '''
    A tree.
    '''

    def __init__(self, root):
        '''
        Initialize the tree.

        :param root: The root node.
        '''

        self.root = root

    def get_root(self):
        '''
        Get the root node.

        :return: The root node.
        '''

        return self.root

@app.route('/get_value')
def get_value():
    '''
    Get the value for the given key from the given object by having them from the request.
    Return the value as a string.
    '''
    key = request.args.get('key')
    object = request.args.get('object')
    if key is None or object is None:
        abort(400)
    try:
        object = ast.literal_eval(object.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        abort(400)

    if len(key) == 0:
        return Response(str(object), mimetype='text/plain')
    else:
        value = object
        try:
            for k in key.split('.'):
                value = value[k]
        except (KeyError, IndexError, TypeError):
            abort(400)
        return Response(str(value), mimetype='text/plain')
