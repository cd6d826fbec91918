"""The kernel's side of the watch, installed in the runner before the code under test loads: a
seccomp filter under which every execve, execveat and connect of the runner and of every
process it starts waits until the supervisor, told through the filter's listener descriptor,
has looked at it (seccomp user notification, Linux 5.5+). A filter cannot be removed, and the
listener leaves the runner before any code under test runs, so what the kernel reports needs
no cooperation of that code.

A system call through another ABI (i386 `int 0x80`, x32), which Python never makes, is
reported too; io_uring, which could connect without a connect call, is refused."""
import ctypes
import errno
import os
import struct

# struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6].
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_USER_NOTIF = 0x7FC00000
SECCOMP_RET_ERRNO = 0x00050000
PR_SET_NO_NEW_PRIVS = 38
X32_BIT = 0x40000000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06


class Abi:
    def __init__(self, arch, seccomp, execve, execveat, connect, io_uring_setup):
        self.arch, self.seccomp = arch, seccomp
        self.calls = {execve: "execve", execveat: "execveat", connect: "connect"}
        self.io_uring_setup = io_uring_setup


ABIS = {
    "x86_64": Abi(0xC000003E, 317, 59, 322, 42, 425),
    "aarch64": Abi(0xC00000B7, 277, 221, 281, 203, 425),
}


def abi():
    """This machine's system call numbers, or None where the watch has no table for it."""
    return ABIS.get(os.uname().machine)


def instruction(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


def program(table):
    """The filter: another ABI -> notify; x32 -> notify; execve, execveat, connect -> notify;
    io_uring_setup -> EPERM; anything else -> allow."""
    watched = list(table.calls)
    # Jump offsets count the instructions skipped; `notify` is the last instruction.
    body = [
        instruction(BPF_LD_W_ABS, 0, 0, 4),
        instruction(BPF_JEQ_K, 1, 0, table.arch),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_USER_NOTIF),
        instruction(BPF_LD_W_ABS, 0, 0, 0),
    ]
    tests = [(BPF_JGE_K, X32_BIT)] + [(BPF_JEQ_K, nr) for nr in watched]
    after_tests = 3  # io_uring test, its refusal, allow; then notify
    for position, (code, value) in enumerate(tests):
        body.append(instruction(code, len(tests) - position - 1 + after_tests, 0, value))
    body += [
        instruction(BPF_JEQ_K, 0, 1, table.io_uring_setup),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        instruction(BPF_RET_K, 0, 0, SECCOMP_RET_USER_NOTIF),
    ]
    return b"".join(body)


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install():
    """Installs the filter on this process (inherited by all it starts) and returns the
    listener's descriptor; raises OSError saying why the kernel refused."""
    table = abi()
    if table is None:
        raise OSError(errno.ENOSYS, "no system call table for %s" % os.uname().machine)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    # Unprivileged filters need no_new_privs (the container sets it; setting it again is harmless).
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    code = program(table)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    fd = libc.syscall(table.seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, ctypes.byref(fprog))
    if fd < 0:
        code = ctypes.get_errno()
        raise OSError(code, "seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER) failed: %s" % os.strerror(code))
    return fd
