"""The runner: forked by the supervisor, it opens the channel, installs the kernel watch and the
audit hook, and only then loads the code under test (so module-level code runs here, never in
the supervisor, and never before the watches). Then it forks one child per input and reports how
each child's process ended. Its stdout and stderr go nowhere; it is as untrusted as the code it
loaded, so the supervisor believes of it only what the kernel stamps on its messages."""
import array
import ctypes
import json
import os
import resource
import signal
import socket
import tempfile

from harness import hook, seccomp
from harness.channel import Channel
from harness.child import run_child
from harness.protocol import MAX_LINES
from harness.targets import coverable_lines, load_target

PR_SET_DUMPABLE = 4
deadline = {"pid": 0, "hit": False}
prctl = ctypes.CDLL(None).prctl


def on_deadline(_sig, _frame):
    deadline["hit"] = True
    try:
        os.killpg(deadline["pid"], signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def read_output(fd, limit):
    """Size and head of what the input printed, from its unnamed output file."""
    size = os.fstat(fd).st_size
    if not size:
        return 0, ""
    return size, os.pread(fd, limit, 0).decode("utf-8", "replace")


def start_watch(channel):
    """Installs the kernel watch and hands its listener to the supervisor; the runner keeps no
    copy (with one, code under test could answer its own notices)."""
    try:
        listener = seccomp.install()
    except OSError as exc:
        channel.message({"watch": False, "why": str(exc)})
        return
    with socket.socket(fileno=os.dup(channel.fd)) as sock:
        sock.sendmsg([json.dumps({"watch": True}).encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [listener]))])
    os.close(listener)


def run_input(call, command, batch, memory_cap, source_lines, commands, state, channel):
    limit = int(batch["textLimit"])
    output_cap = int(batch["outputCap"])
    # Unnamed (O_TMPFILE): the target cannot swap it for a FIFO or a link.
    output = tempfile.TemporaryFile(dir="/tmp")
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.close(commands)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_cap, output_cap))
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))
        run_child(call, command, batch, source_lines, state, channel)
    deadline["pid"], deadline["hit"] = pid, False
    signal.setitimer(signal.ITIMER_REAL, int(batch["timeoutMs"]) / 1000.0)
    # Wait for the child itself, not for a pipe's end: a daemon it forked may hold the pipe.
    _, status = os.waitpid(pid, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        os.killpg(pid, signal.SIGKILL)  # the supervisor kills strays outside the group too
    except (ProcessLookupError, PermissionError):
        pass
    size, head = read_output(output.fileno(), limit)
    output.close()
    end = {"child": pid, "timedOut": deadline["hit"] and os.WIFSIGNALED(status)}
    if os.WIFSIGNALED(status):
        end["signal"] = os.WTERMSIG(status)
    else:
        end["exitCode"] = os.WEXITSTATUS(status)
    if size:
        end["output"] = {"bytes": size, "head": head, "truncated": size >= output_cap}
    channel.message({"i": command["i"], "end": end})


def runner_main(batch, channel_fd, commands):
    # The supervisor reads the arguments of the programs and connections the runner and its
    # children start from their memory, which it cannot do in a process that is not dumpable
    # (the supervisor is not, and a fork inherits that).
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    channel = Channel(channel_fd)
    start_watch(channel)
    state = hook.install(channel)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # module-level prints go nowhere; stdout is the supervisor's alone
    try:
        call, target_code = load_target(batch)
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt at import too
        channel.message({"loadError": "%s: %s" % (type(exc).__name__, exc)})
        os._exit(0)
    # Set after the module ran, so module code cannot take the deadline away.
    signal.signal(signal.SIGALRM, on_deadline)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    source_lines = batch["code"].splitlines()
    # Headroom over what the loaded module maps (a child starts as a copy): a runaway allocation
    # fails with MemoryError in the child long before the container's cgroup limit is reached.
    with open("/proc/self/statm") as statm:
        memory_cap = int(statm.read().split()[0]) * resource.getpagesize() + int(batch["childMemoryHeadroom"])
    channel.message({"loaded": True, "coverable": coverable_lines(target_code)[:MAX_LINES] if target_code is not None else []})
    pending = b""
    while True:
        chunk = os.read(commands, 4096)
        if not chunk:
            os._exit(0)
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            run_input(call, json.loads(line), batch, memory_cap, source_lines, commands, state, channel)
