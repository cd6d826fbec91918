"""A log record split by a line break from the input (CWE-117), as the record is written."""
import re

from harness.protocol import clip

LINE_BREAK = re.compile(r"[\r\n]")


def on_log(oracle, args):
    hit = oracle.carried(str(args[0]), LINE_BREAK)
    if hit is not None:
        oracle.add("log", "CWE-117", "writes a log record with a line break from the input: %r" % clip(str(args[0]), 120))


HANDLERS = {"asc.log": on_log}
