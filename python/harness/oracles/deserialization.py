"""Data from the input deserialised (CWE-502): marshal, pickle (the classes it imports) and the
loaders the watchers report (pickle.loads, yaml.load without a safe loader)."""
from harness.oracles.core import importing


def on_marshal(oracle, args):
    if not importing() and oracle.payload(args[0] if args else None):
        oracle.add("deserialize", "CWE-502", "marshal loads data from the input")


def on_find_class(oracle, args):
    module, name = str(args[0]), str(args[1])
    carried = any(module in t and name in t for t in oracle.texts)
    if carried or any(module.encode() in d and name.encode() in d for d in oracle.decoded()):
        oracle.add("deserialize", "CWE-502", "unpickling data from the input imports %s.%s" % (module, name))


def on_deserialize(oracle, args):
    if oracle.payload(args[1] if len(args) > 1 else None):
        oracle.add("deserialize", "CWE-502", "%s from the input" % args[0])


HANDLERS = {"marshal.loads": on_marshal, "marshal.load": on_marshal, "pickle.find_class": on_find_class, "asc.deserialize": on_deserialize}
