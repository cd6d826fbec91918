"""Formula cells of the shared budgeting sheet."""

import ast
import math
import operator

_FUNCTIONS = {
    "abs": abs, "round": round, "min": min, "max": max,
    "sqrt": math.sqrt, "floor": math.floor, "ceil": math.ceil,
}
_CONSTANTS = {"pi": math.pi}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Mod: operator.mod}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def _evaluate(node, cells):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, cells)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id.upper() in cells:
            return cells[node.id.upper()]
        raise ValueError(f"unknown cell {node.id}")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_evaluate(node.left, cells), _evaluate(node.right, cells))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand, cells))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCTIONS and not node.keywords and len(node.args) <= 16):
        return _FUNCTIONS[node.func.id](*(_evaluate(arg, cells) for arg in node.args))
    raise ValueError("unsupported element in formula")


def evaluate_cell_formula(formula, cell_values):
    """Compute the value of a formula cell such as ``=A1 * 1.2 + max(B1, B2)``.

    ``formula`` is typed into a cell by any collaborator of the shared sheet;
    ``cell_values`` maps the sheet's cell names to their numbers. The formula
    is parsed and only arithmetic, cell names and a few functions are
    evaluated; the number returned is shown in the cell.
    """
    expression = formula.strip().lstrip("=")
    if len(expression) > 500:
        raise ValueError("formula too long")
    cells = {name.upper(): float(value) for name, value in cell_values.items()}
    tree = ast.parse(expression, mode="eval")
    return _evaluate(tree, cells)
