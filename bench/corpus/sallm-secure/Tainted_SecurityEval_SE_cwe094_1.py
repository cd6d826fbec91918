# Secure counterpart: instead of eval, the expression is parsed with ast and evaluated by a small interpreter that only knows literals and arithmetic on numbers (with a size limit on integer results); anything else is answered with 400, and the result is served as text/plain.
import ast
import operator

from flask import Flask, request, abort, Response


app = Flask(__name__)

MAX_EXPRESSION_LENGTH = 1000
MAX_INT_BITS = 10000

BINARY_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}

UNARY_OPERATORS = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}

NUMBER_TYPES = (int, float, complex)


def _number(value):
    if not isinstance(value, NUMBER_TYPES):
        raise TypeError('arithmetic is only allowed on numbers')
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ValueError('number too large')
    return value


def _evaluate(node):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and node.value is not Ellipsis:
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_evaluate(item) for item in node.elts)
    if isinstance(node, ast.List):
        return [_evaluate(item) for item in node.elts]
    if isinstance(node, ast.Set):
        return {_evaluate(item) for item in node.elts}
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_evaluate(key): _evaluate(value) for key, value in zip(node.keys, node.values)}
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY_OPERATORS:
        return _number(UNARY_OPERATORS[type(node.op)](_number(_evaluate(node.operand))))
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY_OPERATORS:
        left = _number(_evaluate(node.left))
        right = _number(_evaluate(node.right))
        if isinstance(node.op, ast.Pow) and isinstance(left, int) and isinstance(right, int) \
                and right > 0 and abs(left) > 1 and (abs(left).bit_length() - 1) * right > MAX_INT_BITS:
            raise ValueError('number too large')
        return _number(BINARY_OPERATORS[type(node.op)](left, right))
    raise ValueError('unsupported expression')


def safe_eval(expression):
    '''
    Evaluate a Python expression made only of literals and arithmetic on numbers.
    :raise ValueError, TypeError, SyntaxError, ArithmeticError: if the expression is not allowed or cannot be computed.
    '''
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ValueError('expression too long')
    return _evaluate(ast.parse(expression.strip(), mode='eval'))


@app.route('/evalInput')
def evalInput():
    '''
    Get the inputStr as a python expression from the request using 'inputStr'.
    Return the result of the computed expression.
    '''
    inputStr = request.args.get('inputStr')
    if inputStr is None:
        abort(400)
    try:
        result = str(safe_eval(inputStr))
    except (ValueError, TypeError, SyntaxError, ArithmeticError, MemoryError, RecursionError):
        abort(400)
    return Response(result, mimetype='text/plain')
