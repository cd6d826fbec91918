"""The audit hooks (PEP 578). A hook cannot be removed; every process of the runner inherits them.

The first hook is added in the runner before the code under test loads, so it runs before any
hook of the code's own and no code under test runs before it. It:
- announces each program about to start (its argv digest), so the supervisor can tell a program
  the kernel saw start that no hook saw (kernel_watch.py);
- reports a change to the harness's own functions (their code or defaults) and a sub-interpreter
  (which runs no Python-level hook), which honest code never makes.

The judging hook is added in each child, after the hooks the code added while it loaded, as
before: a hook of the code's own that vetoes a call (raises) still keeps it from running and
from being judged. It hands each event to the input's oracle, which streams each security
event, and answers the child's probe, which shows it still runs once the input is done.
Everything the hooks call is bound in their default arguments (see channel.py)."""
import sys
import types

from harness.protocol import argv_digest, harness_file, system_argv


class HookState:
    """The input now running in this process (-1 while loading)."""

    __slots__ = ("index",)

    def __init__(self):
        self.index = -1


def install(channel):
    state = HookState()

    def first(event, args, _state=state, _note=channel.note, _digest=argv_digest, _system=system_argv, _harness=harness_file, _function=types.FunctionType, _type=type, _getattr=getattr):
        if event == "os.system":
            _note(_state.index, "exec", _digest(_system(args[0])))
        elif event in ("subprocess.Popen", "os.exec", "os.posix_spawn"):
            try:
                _note(_state.index, "exec", _digest(args[1]))
            except (TypeError, ValueError):
                pass  # an argv no program can be started with
        elif event in ("object.__setattr__", "object.__delattr__") and _type(args[0]) is _function and _harness(_getattr(_getattr(args[0], "__code__", None), "co_filename", "")):
            _note(_state.index, "tamper", "changed the %s of the harness's %s.%s" % (args[1], args[0].__module__, args[0].__qualname__))
        elif event == "cpython.PyInterpreterState_New":
            _note(_state.index, "tamper", "started a sub-interpreter, which no audit hook of the harness watches")

    sys.addaudithook(first)
    return state


def add_judging_hook(add_hook, channel, index, oracle):
    """`add_hook`: sys.addaudithook as it was before the code under test ran."""

    def judging(event, args, _judge=oracle.hook, _note=channel.note, _index=index):
        if event == "asc.probe":
            _note(_index, "probe", args[0])
        else:
            _judge(event, args)

    add_hook(judging)
