"""The supervisor's side of the kernel watch: each system call the runner's seccomp filter
(seccomp.py) stops arrives here as a notice; the supervisor reads what the call was given from
the calling process's memory, judges it, and lets it go on (or refuses a foreign-ABI call).

A notice's arguments are read while the caller waits in the kernel; another thread of the
caller could still change that memory before the call resumes (the documented race of seccomp
user notification), so what is read is evidence of an attempt, not proof of what ran."""
import errno
import fcntl
import os
import socket
import struct

from harness.seccomp import abi

# _IOWR('!', 0, struct seccomp_notif) (80 bytes), _IOWR('!', 1, struct seccomp_notif_resp)
# (24 bytes), and ID_VALID as first defined, _IOR('!', 2, __u64), which every kernel accepts.
NOTIF_RECV = 0xC0502100
NOTIF_SEND = 0xC0182101
NOTIF_ID_VALID = 0x80082102
FLAG_CONTINUE = 1
MAX_STRING = 128 * 1024
MAX_ARGV = 4096
PAGE = 4096


class Unreadable(Exception):
    """The caller's memory or image could not be read: it made itself undumpable, or is gone."""


class Notice:
    def __init__(self, raw, table):
        self.id, self.pid, _flags, self.nr, self.arch = struct.unpack_from("QIIiI", raw)
        self.args = struct.unpack_from("6Q", raw, 32)
        self.call = table.calls.get(self.nr) if self.arch == table.arch and not self.nr & 0x40000000 else "foreign"


class KernelWatch:
    """The listener descriptor of one runner's filter."""

    def __init__(self, fd):
        self.fd = fd
        self.table = abi()

    def fileno(self):
        return self.fd

    def receive(self):
        """The next notice, or None when its caller is already gone."""
        raw = bytearray(80)
        try:
            fcntl.ioctl(self.fd, NOTIF_RECV, raw)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.EINTR):
                return None
            raise
        return Notice(bytes(raw), self.table)

    def valid(self, notice):
        """True while the caller still waits: what was read from its pid is its own."""
        try:
            fcntl.ioctl(self.fd, NOTIF_ID_VALID, struct.pack("Q", notice.id))
            return True
        except OSError:
            return False

    def answer(self, notice, error=0):
        """Lets the call go on (error 0), or makes it fail with `error`."""
        response = struct.pack("QqiI", notice.id, 0, -error if error else 0, 0 if error else FLAG_CONTINUE)
        try:
            fcntl.ioctl(self.fd, NOTIF_SEND, response)
        except OSError:
            pass  # the caller is gone

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass


def image(pid):
    """What tells a fork of this process from a program started anew: the executable and the
    addresses the kernel keeps of its code and stack (start_code, end_code, start_stack), which
    a process cannot set without privileges and which a fork shares and an exec changes. Raises
    Unreadable where the kernel hides them (a process that is not dumpable)."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        layout = tuple(int(f) for f in fields[23:26])
        exe = os.readlink("/proc/%d/exe" % pid)
    except (OSError, IndexError, ValueError) as exc:
        raise Unreadable(getattr(exc, "strerror", None) or str(exc)) from None
    if not any(layout):
        raise Unreadable("its memory layout is hidden")
    return exe, layout


def tgid(pid):
    """The process a thread belongs to (its Tgid), or the pid itself when that cannot be read."""
    try:
        with open("/proc/%d/status" % pid, "rb") as status:
            for line in status:
                if line.startswith(b"Tgid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return pid


def holds(pid, inode):
    """True when the process holds a descriptor of the socket with this inode (the channel)."""
    target = "socket:[%d]" % inode
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == target:
                    return True
            except OSError:
                continue
    except OSError:
        pass
    return False


class Memory:
    """Another process's memory, read through /proc/PID/mem (unmapped addresses raise Unreadable)."""

    def __init__(self, pid):
        try:
            self.fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
        except OSError as exc:
            raise Unreadable("%s" % exc.strerror) from None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)

    def read(self, address, size, exact=False):
        try:
            data = os.pread(self.fd, size, address)
        except (OSError, OverflowError) as exc:
            raise Unreadable("address %#x: %s" % (address, exc)) from None
        if exact and len(data) != size:
            raise Unreadable("address %#x: %d of %d bytes" % (address, len(data), size))
        return data

    def string(self, address):
        """A NUL-terminated string, read a page at a time so no read crosses into an unmapped one."""
        out = b""
        while len(out) < MAX_STRING:
            at = address + len(out)
            chunk = self.read(at, PAGE - at % PAGE)
            if not chunk:
                break
            end = chunk.find(b"\0")
            if end >= 0:
                return out + chunk[:end]
            out += chunk
        return out

    def strings(self, address):
        """A NULL-terminated array of string pointers (an argv), and whether it was cut short."""
        out = []
        while address and len(out) < MAX_ARGV:
            pointer = struct.unpack("Q", self.read(address + 8 * len(out), 8, exact=True))[0]
            if not pointer:
                return out, False
            out.append(self.string(pointer))
        return out, bool(address)


def exec_arguments(notice):
    """(program, argv, argv cut short) of an execve or execveat, as bytes."""
    with Memory(notice.pid) as memory:
        if notice.call == "execve":
            return (memory.string(notice.args[0]), *memory.strings(notice.args[1]))
        return (memory.string(notice.args[1]), *memory.strings(notice.args[2]))


def connect_address(notice):
    """(host, port) an IPv4 or IPv6 connect or sendto names, or None for any other family."""
    address, length = (notice.args[1], notice.args[2]) if notice.call == "connect" else (notice.args[4], notice.args[5])
    size = min(int(length), 128)
    if size < 8:
        return None
    with Memory(notice.pid) as memory:
        raw = memory.read(address, size, exact=True)
    family = struct.unpack_from("H", raw)[0]
    if family == socket.AF_INET and len(raw) >= 8:
        return socket.inet_ntop(socket.AF_INET, raw[4:8]), struct.unpack_from("!H", raw, 2)[0]
    if family == socket.AF_INET6 and len(raw) >= 24:
        return socket.inet_ntop(socket.AF_INET6, raw[8:24]), struct.unpack_from("!H", raw, 2)[0]
    return None
