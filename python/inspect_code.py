"""Reads Python source on stdin; prints JSON: its syntax error, if any, its top-level functions
(and the public methods of classes built without arguments, as "Class.method") with their
parameters and decorators, and whether the module runs code of its own as a program. For a Flask route handler the parameters are
the request parts it reads ("args.q", "form.user", "headers.X-Token", "cookies.s", "path.id",
"json", "data"), which the fuzz harness fills through Flask's test client. Used by the
analysis worker; it never runs the code."""
import ast
import json
import re
import sys


def literal_repr(node):
    if node is None:
        return None
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return ast.unparse(node)


def params_of(fn):
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = []
    for arg, default in zip(positional, defaults):
        out.append(param(arg, default, "positional"))
    if args.vararg:
        out.append(param(args.vararg, None, "var-positional"))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        out.append(param(arg, default, "keyword-only"))
    if args.kwarg:
        out.append(param(args.kwarg, None, "var-keyword"))
    return out


def param(arg, default, kind):
    return {
        "name": arg.arg,
        "annotation": ast.unparse(arg.annotation) if arg.annotation is not None else None,
        "defaultRepr": literal_repr(default),
        "kind": kind,
    }


REQUEST_SOURCES = {"args", "form", "values", "headers", "cookies"}
ROUTE_DECORATORS = {"route", "get", "post", "put", "delete", "patch"}
CONVERTER_TYPES = {"int": "int", "float": "float"}


def route_rule(fn):
    """The URL rule of a Flask-style route decorator (@app.route('/x'), @bp.get('/x')), if any."""
    for dec in fn.decorator_list:
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr in ROUTE_DECORATORS:
            if dec.args and isinstance(dec.args[0], ast.Constant) and isinstance(dec.args[0].value, str):
                return dec.args[0].value
    return None


def is_request(node):
    return isinstance(node, ast.Name) and node.id == "request"


def request_parts(fn):
    """The request parts a handler reads, in order of first use."""
    parts = []

    def add(name):
        if name not in parts:
            parts.append(name)

    for node in ast.walk(fn):
        # request.args.get('k') / request.form.getlist('k')
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Attribute) and is_request(owner.value) and owner.attr in REQUEST_SOURCES:
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    add("%s.%s" % (owner.attr, node.args[0].value))
            elif is_request(owner) and node.func.attr == "get_json":
                add("json")
            elif is_request(owner) and node.func.attr == "get_data":
                add("data")
        # request.args['k']
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            owner = node.value
            key = node.slice
            if is_request(owner.value) and owner.attr in REQUEST_SOURCES and isinstance(key, ast.Constant) and isinstance(key.value, str):
                add("%s.%s" % (owner.attr, key.value))
        # request.json / request.data
        elif isinstance(node, ast.Attribute) and is_request(node.value) and node.attr in ("json", "data"):
            add(node.attr)
    return parts


def called_helpers(fn, helpers, depth=2):
    """The module's own functions that `fn` calls, and theirs, `depth` calls deep."""
    found = []
    frontier = [fn]
    for _ in range(depth):
        called = []
        for node in (n for f in frontier for n in ast.walk(f)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                helper = helpers.get(node.func.id)
                if helper is not None and helper is not fn and helper not in found:
                    found.append(helper)
                    called.append(helper)
        frontier = called
    return found


# A handler that reads nothing we can name (it may read the request in ways we do not follow)
# is still requested, with a query parameter and a JSON body.
PROBE_PARTS = ["args.q", "json"]


def route_params(fn, rule, helpers):
    params = []
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule):
        params.append({"name": "path.%s" % name, "annotation": CONVERTER_TYPES.get(converter), "defaultRepr": None, "kind": "positional"})
    # Handlers often read the request in helpers they call.
    parts = request_parts(fn)
    for helper in called_helpers(fn, helpers):
        parts += [p for p in request_parts(helper) if p not in parts]
    if not params and not parts:
        parts = PROBE_PARTS
    for part in parts:
        annotation = "dict" if part == "json" else "bytes" if part == "data" else "str"
        params.append({"name": part, "annotation": annotation, "defaultRepr": None, "kind": "positional"})
    return params


def constructible(cls):
    """A class the harness can build with no arguments: no bases but object, no decorator (a
    dataclass takes its fields), and an __init__ (if any) whose parameters all have defaults."""
    if any(not (isinstance(b, ast.Name) and b.id == "object") for b in cls.bases) or cls.keywords or cls.decorator_list:
        return False
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return True
    args = init.args
    required = len(args.posonlyargs + args.args) - 1 - len(args.defaults)
    return required <= 0 and all(d is not None for d in args.kw_defaults)


def methods(cls):
    """Public plain methods of a constructible class, as "Class.method" without self."""
    out = []
    if not constructible(cls):
        return out
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_") and not node.decorator_list:
            params = params_of(node)[1:]
            out.append({"name": "%s.%s" % (cls.name, node.name), "line": node.lineno, "params": params, "decorators": [], "route": None})
    return out


DECLARATIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign, ast.Pass)


def module_code(tree):
    """True when the module does more than declare: statements that run as a program."""
    for node in tree.body:
        if isinstance(node, DECLARATIONS):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        return True
    return False


def main():
    source = sys.stdin.read()
    try:
        tree = ast.parse(source, filename="input.py")
    except SyntaxError as exc:
        print(json.dumps({"syntaxError": {"line": exc.lineno, "message": exc.msg}, "functions": [], "moduleCode": False}))
        return
    helpers = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    functions = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            functions.extend(methods(node))
            continue
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        rule = route_rule(node)
        functions.append(
            {
                "name": node.name,
                "line": node.lineno,
                "params": route_params(node, rule, helpers) if rule is not None else params_of(node),
                "decorators": [ast.unparse(d) for d in node.decorator_list],
                "route": {"rule": rule} if rule is not None else None,
            }
        )
    print(json.dumps({"syntaxError": None, "functions": functions, "moduleCode": module_code(tree)}))


if __name__ == "__main__":
    main()
