"""A native library the input chose to load (CWE-114). Libraries call native code with input all
the time (pycryptodome does): only an input-chosen library is a finding."""


def on_dlopen(oracle, args):
    name = str(args[0])
    hit = oracle.tainted(name)
    if hit is not None and (name == hit or name.startswith(hit)):
        oracle.add("library", "CWE-114", "loads the native library %r chosen by the input" % name)


HANDLERS = {"ctypes.dlopen": on_dlopen}
