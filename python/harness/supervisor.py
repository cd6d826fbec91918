"""The supervisor: pid 1 of the container, the one trusted process, which never runs code under
test. It reads the batch on stdin and alone writes the protocol on stdout (HarnessLineSchema in
src/common/sandbox.ts). For each runner it holds the receiving end of the channel, on which
the kernel stamps the sender of every message, and the kernel watch's listener. For each input
it keeps a ledger (ledger.py), enforces every deadline (module load, each input), kills
whatever an input left running, and judges the programs and connections the kernel reports
with the input's own taint."""
import errno
import json
import os
import re
import secrets
import select
import signal
import socket
import struct
import sys
import time

from harness.kernel_watch import KernelWatch, Unreadable, connect_address, exec_arguments, holds, image, tgid
from harness.ledger import Ledger
from harness.oracles import Oracle, commands, network
from harness.protocol import MAX_MESSAGE_BYTES, WORK_DIR, argv_digest, clip
from harness.stubs import stand_ins
from harness.values import decode

SEEN = " (seen by the kernel watch)"
# What a process that still holds the harness's audit hooks shares with this one (a fork never
# execs); read once, at the start.
OWN_IMAGE = image(os.getpid())
# How multiprocessing's spawn, forkserver and resource tracker start an interpreter: with no
# audit event.
MULTIPROCESSING = re.compile(r"from multiprocessing\.(spawn import spawn_main; spawn_main\([\w=, ]*\)|forkserver import main; main\([^;]*\)|resource_tracker import main;main\(\d+\))")
# Most messages and notices one read takes, so a flood never keeps the supervisor from its deadlines.
BURST = 256
DRAIN_S = 2.0


def nameservers():
    """The resolvers glibc queries (port 53): their connections name the resolver, not a host
    the code asked for. With none configured, glibc asks the local host."""
    found = set()
    try:
        with open("/etc/resolv.conf") as conf:
            for line in conf:
                parts = line.split()
                if len(parts) >= 2 and parts[0] == "nameserver":
                    found.add(parts[1])
    except OSError:
        pass
    return found or {"127.0.0.1", "::1"}


NAMESERVERS = nameservers()


def emit(obj):
    os.write(1, (json.dumps(obj) + "\n").encode())


class Abandoned(Exception):
    """stdin closed: the worker that reads this batch is gone, so the batch ends at once."""


class Stdin:
    """The worker's lines: the batch, then each further group of inputs. It writes a group only
    once the one before is done, and its end means nobody reads the harness any more."""

    def __init__(self):
        self.buffer = b""
        self.ended = False

    def poll(self):
        """Takes what arrived (stdin is readable); raises Abandoned at its end."""
        chunk = os.read(0, 1 << 16)
        if not chunk:
            self.ended = True
            raise Abandoned()
        self.buffer += chunk

    def line(self):
        """The next whole line, waiting for it; None once stdin has ended."""
        while b"\n" not in self.buffer and not self.ended:
            try:
                self.poll()
            except Abandoned:
                break
        if b"\n" not in self.buffer:
            return None
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line


STDIN = Stdin()


def processes():
    """(pid, state, parent pid) of every process in the container."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            found.append((int(entry), fields[0], int(fields[1])))
        except (OSError, IndexError, ValueError):
            continue
    return found


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_strays(keep):
    """Kills every process but the supervisor and `keep` (daemons, fork bombs, a dead runner's
    children) and reaps them. Only pid 1 of the container can see them all."""
    me = os.getpid()
    if me != 1:
        return
    for _ in range(500):
        reap()  # orphans that exited count as processes until reaped
        others = [(pid, state, ppid) for pid, state, ppid in processes() if pid != me and pid not in keep]
        live = [pid for pid, state, _ in others if state not in (b"Z", b"X")]
        dying = [pid for pid, state, ppid in others if state in (b"Z", b"X") and ppid == me]
        if not live and not dying:
            return
        for pid in live:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.001)


def others_alive():
    return any(pid != os.getpid() and state != b"Z" for pid, state, _ in processes())


def starts_multiprocessing(program, argv):
    """multiprocessing starts this interpreter with one of its own command lines."""
    return os.path.realpath(program) == OWN_IMAGE[0] and any(a == "-c" and MULTIPROCESSING.fullmatch(b) for a, b in zip(argv, argv[1:]))


class RunnerProcess:
    """A runner, seen from the supervisor: the channel's receiving end, the commands pipe, the
    kernel watch, the ledger of its load and of the input it runs."""

    def __init__(self, batch):
        self.batch = batch
        channel, runner_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        channel.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        commands_r, commands_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            keep = sorted((runner_end.fileno(), commands_r))
            # Nothing of the supervisor's but these two reaches the code under test.
            os.closerange(3, keep[0])
            os.closerange(keep[0] + 1, keep[1])
            os.closerange(keep[1] + 1, 1 << 16)
            try:
                from harness.runner import runner_main

                runner_main(batch, runner_end.fileno(), commands_r)
            finally:
                os._exit(0)
        self.channel_inode = os.fstat(runner_end.fileno()).st_ino
        runner_end.close()
        os.close(commands_r)
        self.channel = channel
        self.commands = commands_w
        self.closed = False
        self.exit_status = None
        self.watch = None
        self.watch_gone = False
        self.announced = {}
        self.load = Ledger(-1, announced=self.announced)
        self.current = None
        self.item = None
        self.oracle = None

    def ledger(self):
        return self.current if self.current is not None else self.load

    def alive(self):
        if self.exit_status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid == self.pid:
                self.exit_status = status
        return self.exit_status is None

    def begin(self, ledger, item):
        self.current, self.item, self.oracle = ledger, item, None

    def finish(self):
        self.current = self.item = self.oracle = None

    # ---- what arrives ----

    def ready(self, timeout_s):
        """What has something to read within timeout_s: stdin, the channel, the kernel watch.
        A watch whose processes are all gone hangs up; it is then of no further use (and its
        listener must not be read: with no notice pending that read would wait forever)."""
        poller = select.poll()
        poller.register(0, select.POLLIN)
        if not self.closed:
            poller.register(self.channel, select.POLLIN)
        if self.watch is not None and not self.watch_gone:
            poller.register(self.watch, select.POLLIN)
        ready = set()
        for fd, events in poller.poll(max(0, int(timeout_s * 1000))):
            if fd == self.watch_fd() and not events & select.POLLIN:
                self.watch_gone = bool(events & select.POLLHUP)
                continue
            ready.add("stdin" if fd == 0 else "watch" if fd == self.watch_fd() else "channel")
        return ready

    def watch_fd(self):
        return self.watch.fileno() if self.watch is not None else -1

    def pump(self, timeout_s):
        """Takes what arrives within timeout_s: stdin's end, kernel notices, channel messages."""
        ready = self.ready(timeout_s)
        if "stdin" in ready:
            STDIN.poll()
        if "watch" in ready:
            self.notices()
        if "channel" in ready:
            self.read_channel()

    def drain(self):
        """Everything already sent: once no writer is left running, that is everything (a
        runner's thread could go on writing: the drain is bounded)."""
        due = time.monotonic() + DRAIN_S
        while self.ready(0) - {"stdin"} and time.monotonic() < due:
            self.notices()
            self.read_channel()

    def read_channel(self):
        limit = int(self.batch["textLimit"])
        for _ in range(BURST):
            if self.closed:
                return
            try:
                data, ancillary, flags, _ = self.channel.recvmsg(MAX_MESSAGE_BYTES, socket.CMSG_SPACE(12) + socket.CMSG_SPACE(4 * 8), socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return
            pid, fds = None, []
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(payload) >= 12:
                    pid = struct.unpack_from("i", payload)[0]
                elif level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds += list(struct.unpack("%di" % (len(payload) // 4), payload[: len(payload) - len(payload) % 4]))
            if pid is None:
                self.closed = True  # no record, no sender: every writer is gone
                return
            message = None if flags & socket.MSG_TRUNC else parse(data)
            ledger = self.ledger()
            if fds:
                self.take_descriptors(pid, message, fds, ledger)
            ledger.take(pid, message, pid == self.pid, limit)

    def take_descriptors(self, pid, message, fds, ledger):
        """Only the runner's first message, before any code under test ran, may carry one: the
        kernel watch's listener."""
        if pid == self.pid and message == {"watch": True} and self.watch is None and ledger is self.load and len(fds) == 1 and listener(fds[0]):
            self.watch = KernelWatch(fds[0])
            return
        for fd in fds:
            os.close(fd)
        ledger.note("sent descriptors to the supervisor")

    # ---- what the kernel reports ----

    def notices(self):
        for _ in range(BURST):
            if "watch" not in self.ready(0):
                return
            notice = self.watch.receive()
            if notice is None:
                continue
            self.read_channel()  # what the hook announced went out before the call it announced
            self.judge(notice)

    def judge(self, notice):
        ledger = self.ledger()
        error = 0
        try:
            if notice.call == "foreign":
                ledger.note("made a system call through another ABI (arch %#x, call %d), which Python never does; it was refused" % (notice.arch, notice.nr & 0xFFFF))
                error = errno.ENOSYS
            elif notice.call in ("seccomp", "prctl"):
                ledger.note("tried to install a seccomp filter of its own, which could take the kernel's reports from the harness; it was refused")
                error = errno.EPERM
            elif notice.call in ("connect", "sendto"):
                self.judge_connect(notice)
            else:
                self.judge_exec(notice, ledger)
        except Unreadable as exc:
            if ledger is not self.load and self.watch.valid(notice):
                ledger.note("hid a process from the harness (%s) while it started a program or connected, so what it did went unchecked" % exc)
        except Exception as exc:  # noqa: BLE001 - what a caller's memory holds must never end the supervisor
            if ledger is not self.load:
                ledger.note("started a program or connected with arguments the supervisor could not judge (%s: %s)" % (type(exc).__name__, clip(str(exc), 80)))
        finally:
            self.watch.answer(notice, error)

    def judge_exec(self, notice, ledger):
        program, argv, cut = exec_arguments(notice)
        process = tgid(notice.pid)
        # A process with the harness's hooks and channel (a fork of the runner that has started
        # no program yet) announces every program it starts.
        hooked = image(notice.pid) == OWN_IMAGE and holds(process, self.channel_inode)
        if not self.watch.valid(notice):
            return  # the caller is gone: its pid may name another process now
        ledger.execed.add(process)
        program, argv = os.fsdecode(program), [os.fsdecode(a) for a in argv]
        if len(argv) >= 4 and argv[1:3] == ["-c", "--"]:
            argv = argv[:2] + argv[3:]  # glibc's system() may put "--" before the command
        bypassed = hooked and not cut and argv_digest(argv) not in ledger.announced and not starts_multiprocessing(program, argv)
        if bypassed:
            ledger.note("started %s without the audit hook seeing it: the hook was bypassed or removed" % clip(repr(argv[:4]), 160))
        oracle = self.kernel_oracle()
        if oracle is not None:
            # What the hook announced it judged as the code named it (the kernel sees each
            # directory of a PATH search); a shell's command reads the same either way.
            commands.program(oracle, program, argv, SEEN, shells_only=not bypassed)

    def judge_connect(self, notice):
        address = connect_address(notice)
        if address is None or (address[1] == 53 and address[0] in NAMESERVERS) or not self.watch.valid(notice):
            return
        oracle = self.kernel_oracle()
        if oracle is not None:
            network.connect(oracle, address, SEEN)

    def kernel_oracle(self):
        """The input's oracle on the supervisor's side, built from the input itself."""
        if self.oracle is None and self.current is not None and self.item is not None:
            batch, ledger = self.batch, self.current
            try:
                args = [decode(a) for a in self.item["args"]] if batch["entry"] != "test" else []
            except (ValueError, KeyError, TypeError, RecursionError, MemoryError):
                return None
            self.oracle = Oracle(args, list(batch.get("roles") or []), batch["entry"], batch["code"], ledger.add_event)
        return self.oracle

    # ---- what goes ----

    def send(self, index, item, probe):
        """Input `item` under its number in the container's life: a late message about an
        input of an earlier group never matches a later one."""
        data = (json.dumps({"i": index, "item": item, "probe": probe}) + "\n").encode()
        while data:
            data = data[os.write(self.commands, data):]

    def close(self):
        self.channel.close()
        if self.watch is not None:
            self.watch.close()
        try:
            os.close(self.commands)
        except OSError:
            pass


def buildable(item):
    try:
        [decode(a) for a in item["args"]]
        return True
    except (ValueError, KeyError, TypeError, RecursionError, MemoryError):
        return False


def parse(data):
    try:
        message = json.loads(data.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def listener(fd):
    try:
        return os.readlink("/proc/self/fd/%d" % fd) == "anon_inode:seccomp notify"
    except OSError:
        return False


def start_runner(batch):
    """A runner with the target loaded, or a reason the code cannot be loaded."""
    runner = RunnerProcess(batch)
    load = runner.load
    due = time.monotonic() + int(batch["loadTimeoutMs"]) / 1000.0
    while True:
        runner.pump(min(0.05, due - time.monotonic()))
        if load.loaded is not None:
            return runner, None
        if load.load_error is not None:
            return runner, "the code failed to load: %s" % load.load_error
        if not runner.alive():
            runner.drain()
            if load.loaded is not None:
                return runner, None
            if load.load_error is not None:
                return runner, "the code failed to load: %s" % load.load_error
            status = runner.exit_status
            how = "was killed by signal %d" % os.WTERMSIG(status) if os.WIFSIGNALED(status) else "exited with code %d" % os.WEXITSTATUS(status)
            return runner, "the code ended its process while loading (it %s)" % how
        if time.monotonic() >= due:
            return runner, "the code did not finish loading within %d s" % (int(batch["loadTimeoutMs"]) // 1000)


def kernel_watch_line(runner):
    if runner.watch is not None:
        return {"on": True, "detail": "programs started and connections made, seen from outside the code's process by seccomp user notification"}
    why = runner.load.watch.get("why") if isinstance(runner.load.watch, dict) else None
    return {"on": False, "detail": clip(why if isinstance(why, str) else "the runner did not set it up", 300)}


def run_one(runner, index, item, batch):
    """Runs `item` as input `index`: its ledger, and whether the runner died or hung on it."""
    ledger = Ledger(index, probe=secrets.token_hex(8), inherited=runner.load.notes, announced=runner.announced)
    runner.begin(ledger, item)
    runner.send(index, item, ledger.probe)
    due = time.monotonic() + (int(batch["timeoutMs"]) + int(batch["backstopMs"])) / 1000.0
    while time.monotonic() < due and ledger.end is None:
        runner.pump(min(0.05, due - time.monotonic()))
        # The input ended its runner (a kill of its parent, say): once nothing else runs, every
        # message it sent has arrived.
        if ledger.end is None and not runner.alive() and (ledger.outcome is not None or not others_alive()):
            return ledger, "died"
    return ledger, ("ended" if ledger.end is not None else "hung")


class Container:
    """What lasts from one group of inputs to the next: the runner with the code loaded, and the
    number of the next input."""

    def __init__(self, batch):
        self.batch = batch
        self.runner = None
        self.announced = False
        self.next_index = 0

    def run_group(self, inputs):
        """Runs a group of inputs, one outcome line each, then the end marker; False when the
        code cannot be loaded (the container is of no further use)."""
        batch = self.batch
        limit, output_cap = int(batch["textLimit"]), int(batch["outputCap"])
        stop_after = int(batch["stopAfterHangs"])
        emitted, starts, hangs = 0, 0, 0
        stopped = None
        for item in inputs:
            if stopped is None and self.runner is None:
                if starts >= int(batch["maxRunnerStarts"]):
                    stopped = "the code's process was restarted %d times (inputs that hang or end it): the batch stopped early" % starts
                else:
                    self.runner, problem = start_runner(batch)
                    starts += 1
                    if problem is not None:
                        emit({"fatal": problem})
                        return False
                    kill_strays({self.runner.pid})  # what the module started as it loaded
                    if not self.announced:
                        self.announced = True
                        emit({"loaded": {"stubbed": stand_ins(batch["code"]), "coverable": self.runner.load.loaded, "kernelWatch": kernel_watch_line(self.runner)}})
            if stopped is not None:
                emit({"id": item["id"], "status": "not-run", "reason": stopped, "events": []})
                emitted += 1
                continue
            runner = self.runner
            ledger, how = run_one(runner, self.next_index, item, batch)
            self.next_index += 1
            replace = how != "ended" or not runner.alive()
            # A hung or dead runner is replaced before the next input; every other process goes.
            kill_strays(set() if replace else {runner.pid})
            runner.drain()
            if ledger.unbuildable is not None and buildable(item):
                ledger.note("said its input could not be built, which the supervisor built")
            outcome = ledger.result(limit, output_cap, runner_died=how == "died")
            runner.finish()
            if replace:
                runner.close()
                self.runner = None
            hangs = hangs + 1 if outcome["status"] in ("timeout", "killed") else 0
            outcome["id"] = item["id"]
            emit(outcome)
            emitted += 1
            if hangs >= stop_after and stopped is None:
                stopped = "skipped: %d inputs in a row timed out or were killed, so the batch stopped early" % hangs
        emit({"done": True, "outcomes": emitted})
        return True

    def close(self):
        if self.runner is not None:
            self.runner.close()
        kill_strays(set())


def next_group():
    """The inputs of the next group, or None once the worker has no more."""
    line = STDIN.line()
    if line is None:
        return None
    try:
        inputs = json.loads(line)["inputs"]
        if isinstance(inputs, list) and all(isinstance(i, dict) and isinstance(i.get("id"), str) and isinstance(i.get("args"), list) for i in inputs):
            return inputs
    except (ValueError, KeyError, TypeError, RecursionError):
        pass
    emit({"fatal": "the harness could not read a group of inputs: expected {\"inputs\": [{\"id\", \"args\"}]}"})
    return None


def supervise(batch):
    container = Container(batch)
    try:
        inputs = batch["inputs"]
        while inputs is not None and container.run_group(inputs):
            inputs = next_group()
    finally:
        container.close()


def guard_supervisor():
    """Children run as the same user: without this they could open /proc/1/fd/1 (the protocol)
    or attach to the supervisor. A process that is not dumpable is off limits to them."""
    import ctypes

    pr_set_dumpable = 4
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def main():
    guard_supervisor()
    sys.set_int_max_str_digits(0)
    try:
        # One line; stdin then stays open until the worker stops reading (see Abandoned).
        batch = json.loads(STDIN.line() or b"")
        batch["inputs"] = list(batch["inputs"])
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        emit({"fatal": clip("the harness could not read its batch: %s: %s" % (type(exc).__name__, exc), 500)})
        return
    os.chdir(WORK_DIR)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        supervise(batch)
    except Abandoned:
        pass  # supervise killed what the inputs left running on its way out
