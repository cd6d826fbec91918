"""The kernel's side of the watch, installed in the runner before the code under test loads: a
seccomp filter under which every execve, execveat and connect (and sendto with an address) of
the runner and of every process it starts waits until the supervisor, told through the
filter's listener descriptor, has looked at it (seccomp user notification, Linux 5.5+). A
filter cannot be removed, and the listener leaves the runner before any code under test runs,
so what the kernel reports needs no cooperation of that code.

Also stopped and reported: a system call through another ABI (i386 `int 0x80`, x32), which
Python never makes, and an attempt to install another seccomp filter (its listener would be
told of calls before ours). io_uring, which could connect without a connect call, is refused."""
import ctypes
import errno
import os
import struct

SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_USER_NOTIF = 0x7FC00000
SECCOMP_RET_ERRNO = 0x00050000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
X32_BIT = 0x40000000
# Offsets in struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6].
NR, ARCH = 0, 4
ARG0_LOW, ARG4_LOW, ARG4_HIGH = 16, 48, 52
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
# seccomp user notification can let a call go on (SECCOMP_USER_NOTIF_FLAG_CONTINUE) since 5.5.
MIN_KERNEL = (5, 5)


class Abi:
    def __init__(self, arch, numbers):
        self.arch = arch
        self.numbers = numbers  # name -> number
        watched = ("execve", "execveat", "connect", "sendto", "seccomp", "prctl")
        self.calls = {numbers[name]: name for name in watched}


ABIS = {
    "x86_64": Abi(0xC000003E, {"execve": 59, "execveat": 322, "connect": 42, "sendto": 44, "seccomp": 317, "prctl": 157, "io_uring_setup": 425}),
    "aarch64": Abi(0xC00000B7, {"execve": 221, "execveat": 281, "connect": 203, "sendto": 206, "seccomp": 277, "prctl": 167, "io_uring_setup": 425}),
}


def abi():
    """This machine's system call numbers, or None where the watch has no table for it."""
    return ABIS.get(os.uname().machine)


def assemble(lines):
    """BPF from (code, k, true label, false label) and ("label", name) lines; jumps are to labels."""
    positions, body = {}, []
    for line in lines:
        if line[0] == "label":
            positions[line[1]] = len(body)
        else:
            body.append(line)
    out = []
    for at, (code, k, true, false) in enumerate(body):
        offset = lambda label: 0 if label is None else positions[label] - at - 1  # noqa: E731 - a jump's distance
        out.append(struct.pack("HBBI", code, offset(true), offset(false), k))
    return b"".join(out)


def program(table):
    n = table.numbers
    ret = lambda value: (BPF_RET_K, value, None, None)  # noqa: E731 - one instruction
    load = lambda offset: (BPF_LD_W_ABS, offset, None, None)  # noqa: E731 - one instruction
    jeq = lambda value, true, false=None: (BPF_JEQ_K, value, true, false)  # noqa: E731 - one instruction
    return assemble([
        load(ARCH), jeq(table.arch, None, "notify"),
        load(NR), (BPF_JGE_K, X32_BIT, "notify", None),
        jeq(n["execve"], "notify"), jeq(n["execveat"], "notify"), jeq(n["connect"], "notify"), jeq(n["seccomp"], "notify"),
        jeq(n["io_uring_setup"], "refuse"), jeq(n["prctl"], "prctl"), jeq(n["sendto"], "sendto"),
        ret(SECCOMP_RET_ALLOW),
        ("label", "prctl"), load(ARG0_LOW), jeq(PR_SET_SECCOMP, "notify"), ret(SECCOMP_RET_ALLOW),
        # send() is sendto() with no address: only a sendto that names its peer connects.
        ("label", "sendto"), load(ARG4_LOW), jeq(0, None, "notify"), load(ARG4_HIGH), jeq(0, None, "notify"), ret(SECCOMP_RET_ALLOW),
        ("label", "refuse"), ret(SECCOMP_RET_ERRNO | errno.EPERM),
        ("label", "notify"), ret(SECCOMP_RET_USER_NOTIF),
    ])


def kernel_version():
    release = os.uname().release.split("-")[0].split(".")
    try:
        return int(release[0]), int(release[1])
    except (IndexError, ValueError):
        return (0, 0)


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install():
    """Installs the filter on this process (inherited by all it starts) and returns the
    listener's descriptor; raises OSError saying why it cannot."""
    table = abi()
    if table is None:
        raise OSError(errno.ENOSYS, "no system call table for %s" % os.uname().machine)
    if kernel_version() < MIN_KERNEL:
        raise OSError(errno.ENOSYS, "Linux %s is older than 5.5: seccomp user notification cannot let a call go on there" % os.uname().release)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    # Unprivileged filters need no_new_privs (the container sets it; setting it again is harmless).
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    code = program(table)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    fd = libc.syscall(table.numbers["seccomp"], SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, ctypes.byref(fprog))
    if fd < 0:
        code = ctypes.get_errno()
        raise OSError(code, "seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER) failed: %s" % os.strerror(code))
    return fd
