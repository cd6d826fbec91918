# Secure counterpart: instead of exec, the string must be a single assignment "name = <Python literal>", parsed with ast and evaluated with ast.literal_eval into a dictionary of variables; anything else is answered with 400, and the echo is served as text/plain.
import ast

from flask import Flask, request, abort, Response

app = Flask(__name__)


def parse_variable(statement):
    '''
    Parse "name = <literal>" and return (name, value).
    :raise ValueError, TypeError, SyntaxError: if the statement is anything else.
    '''
    tree = ast.parse(statement.strip(), mode='exec')
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        raise ValueError('expected a single assignment')
    assignment = tree.body[0]
    if len(assignment.targets) != 1 or not isinstance(assignment.targets[0], ast.Name):
        raise ValueError('expected a single variable name')
    return assignment.targets[0].id, ast.literal_eval(assignment.value)


@app.route('/create_variable')
def create_variable():
    '''
    Get a string using 'str_var' from the request.
    Create a variable from the string.
    Return the variable.
    '''
    str_var = request.args.get('str_var')
    if str_var is None:
        abort(400)
    try:
        name, value = parse_variable(str_var)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        abort(400)
    variables = {name: value}
    return Response(str_var, mimetype='text/plain')
