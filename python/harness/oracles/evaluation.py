"""Code built from the input and evaluated (CWE-95): eval, exec and compile of its text, or of a
tree parsed from it; parsing alone runs nothing."""
from harness.oracles.core import called_by_target, source_text


def tainted_tree(oracle, tree):
    """The input a syntax tree was built from: both read back as source, so quoting and
    spacing do not hide it."""
    import ast

    try:
        text = ast.unparse(tree)
    except Exception:  # noqa: BLE001 - not a tree after all
        return None
    for fragment in oracle.taint:
        try:
            if ast.unparse(ast.parse(fragment)) in text:
                return fragment
        except Exception:  # noqa: BLE001 - a fragment that is no Python is no source of this tree
            continue
    return None


def on_compile(oracle, args):
    source, filename = args[0], args[1]
    # A tree compiles with no file name in the event.
    if filename in ("<string>", "<unknown>", None) and source is not None and called_by_target():
        hit = oracle.tainted(source_text(source)) if isinstance(source, (str, bytes)) else tainted_tree(oracle, source)
        if hit is not None:
            oracle.add("eval", "CWE-95", "evaluates code built from the input %r" % hit)


HANDLERS = {"compile": on_compile}
