"""The audit hook (PEP 578), added in the runner before the code under test loads, so every
child inherits it and no code under test runs before it; a hook cannot be removed. For each
audit event it:
- announces a program about to start (its argv digest), so the supervisor can tell a program
  the kernel saw start that this hook never saw (kernel_watch.py);
- answers the child's probe, which shows the hook still runs once the input is done;
- reports a change to the harness's own functions (their code or defaults), which honest code
  never makes;
- hands the event to the oracle of the input now running, which streams each security event.
Everything it calls is bound in its default arguments (see channel.py)."""
import sys
import types

from harness.protocol import argv_digest, system_argv


class HookState:
    """The input now running in this process: its number and its oracle (none while loading)."""

    __slots__ = ("index", "oracle")

    def __init__(self):
        self.index, self.oracle = -1, None


def install(channel):
    state = HookState()

    def hook(event, args, _state=state, _note=channel.note, _digest=argv_digest, _system=system_argv, _function=types.FunctionType, _type=type, _str=str, _getattr=getattr):
        if event == "os.system":
            _note(_state.index, "exec", _digest(_system(args[0])))
        elif event in ("subprocess.Popen", "os.exec", "os.posix_spawn"):
            try:
                _note(_state.index, "exec", _digest(args[1]))
            except (TypeError, ValueError):
                pass  # an argv no program can be started with
        elif event == "asc.probe":
            _note(_state.index, "probe", args[0])
            return
        elif event == "object.__setattr__" and _type(args[0]) is _function and _str(_getattr(args[0], "__module__", "")).startswith("harness."):
            _note(_state.index, "tamper", "changed the %s of the harness's %s.%s" % (args[1], args[0].__module__, args[0].__qualname__))
        oracle = _state.oracle
        if oracle is not None:
            oracle.hook(event, args)

    sys.addaudithook(hook)
    return state
