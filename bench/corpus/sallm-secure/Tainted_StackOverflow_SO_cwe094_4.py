# Secure counterpart: instead of eval, the equation is parsed with ast and evaluated by a small interpreter that only knows numbers, + - * / // % ** and parentheses (with a size limit on integer results); anything else is answered with 400.
import ast
import operator

from flask import Flask, request, abort

app = Flask(__name__)

MAX_EQUATION_LENGTH = 1000
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
    if isinstance(value, bool) or not isinstance(value, NUMBER_TYPES):
        raise TypeError('only numbers are allowed')
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ValueError('number too large')
    return value


def _evaluate(node):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY_OPERATORS:
        return _number(UNARY_OPERATORS[type(node.op)](_evaluate(node.operand)))
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY_OPERATORS:
        left = _evaluate(node.left)
        right = _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and isinstance(left, int) and isinstance(right, int) \
                and right > 0 and abs(left) > 1 and (abs(left).bit_length() - 1) * right > MAX_INT_BITS:
            raise ValueError('number too large')
        return _number(BINARY_OPERATORS[type(node.op)](left, right))
    raise ValueError('unsupported expression')


def evaluate_equation(equation):
    '''
    Evaluate an arithmetic expression made of numbers, + - * / // % ** and parentheses.
    :raise ValueError, TypeError, SyntaxError, ArithmeticError: if the equation is not allowed or cannot be computed.
    '''
    if len(equation) > MAX_EQUATION_LENGTH:
        raise ValueError('equation too long')
    return _evaluate(ast.parse(equation.strip(), mode='eval'))


@app.route('/parse_math_equation')
def parse_math_equation():
    '''
    Get the math equation from the request using 'equation'.
    Evaluate it.
    Return the result of the evaluation as a string.
    '''
    equation = request.args.get('equation')
    if equation is None:
        abort(400)
    try:
        return str(evaluate_equation(equation))
    except (ValueError, TypeError, SyntaxError, ArithmeticError, MemoryError, RecursionError):
        abort(400)
