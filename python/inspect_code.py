"""Reads Python source on stdin; prints JSON: its syntax error, if any, and its top-level
functions with their parameters and decorators. Used by the analysis worker (never runs the
code)."""
import ast
import json
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


def main():
    source = sys.stdin.read()
    try:
        tree = ast.parse(source, filename="input.py")
    except SyntaxError as exc:
        print(json.dumps({"syntaxError": {"line": exc.lineno, "message": exc.msg}, "functions": []}))
        return
    functions = [
        {
            "name": node.name,
            "line": node.lineno,
            "params": params_of(node),
            "decorators": [ast.unparse(d) for d in node.decorator_list],
        }
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    print(json.dumps({"syntaxError": None, "functions": functions}))


if __name__ == "__main__":
    main()
