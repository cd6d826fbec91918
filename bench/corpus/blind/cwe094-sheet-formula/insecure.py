"""Formula cells of the shared budgeting sheet."""

import math

_FUNCTIONS = {
    "abs": abs, "round": round, "min": min, "max": max,
    "sqrt": math.sqrt, "floor": math.floor, "ceil": math.ceil, "pi": math.pi,
}


def evaluate_cell_formula(formula, cell_values):
    """Compute the value of a formula cell such as ``=A1 * 1.2 + max(B1, B2)``.

    ``formula`` is typed into a cell by any collaborator of the shared sheet;
    ``cell_values`` maps the sheet's cell names to their numbers. The formula
    is evaluated as a Python expression and the number returned is shown in
    the cell.
    """
    expression = formula.strip().lstrip("=")
    lowered = expression.lower()
    if "__" in expression or "import" in lowered or "exec" in lowered:
        raise ValueError("formula contains forbidden text")
    scope = dict(_FUNCTIONS)
    scope.update({name.upper(): value for name, value in cell_values.items()})
    result = eval(expression, {"__builtins__": {}}, scope)
    if not isinstance(result, (int, float)):
        raise ValueError("formula must produce a number")
    return result
