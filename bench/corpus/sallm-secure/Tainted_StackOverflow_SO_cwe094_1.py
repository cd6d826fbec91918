# Secure counterpart: executing client-supplied code cannot be made safe, so instead of exec the code is parsed with ast and only a tiny explicit subset is run: literal expressions and print() of literals; anything else is answered with 400.
import ast

from flask import Flask, request, abort

app = Flask(__name__)


def _print_arguments(call):
    '''
    Return (args, kwargs) of a print() call whose arguments are all literals.
    :raise ValueError: if any argument is not a literal or a keyword other than sep/end is used.
    '''
    args = [ast.literal_eval(argument) for argument in call.args]
    kwargs = {}
    for keyword in call.keywords:
        if keyword.arg not in ('sep', 'end'):
            raise ValueError('unsupported print() argument')
        value = ast.literal_eval(keyword.value)
        if value is not None and not isinstance(value, str):
            raise ValueError('sep and end must be strings')
        kwargs[keyword.arg] = value
    return args, kwargs


def run_restricted(code):
    '''
    Run code made only of literal expressions and print() calls with literal arguments.
    Nothing runs unless the whole code is in that subset.
    :raise ValueError, TypeError, SyntaxError: if the code is anything else.
    '''
    tree = ast.parse(code, mode='exec')
    calls = []
    for statement in tree.body:
        if not isinstance(statement, ast.Expr):
            raise ValueError('only expressions are allowed')
        node = statement.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'print':
            calls.append(_print_arguments(node))
        else:
            ast.literal_eval(node)
    for args, kwargs in calls:
        print(*args, **kwargs)


@app.route('/execute')
def execute_data():
    '''
    Get the python code from the request using 'code'.
    Execute it and return 'Executed'.
    '''
    code = request.args.get('code', '')
    try:
        run_restricted(code)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        abort(400)
    return 'Executed'
