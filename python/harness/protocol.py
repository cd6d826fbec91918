"""What every part of the harness agrees on: where the code runs, the limits of what it reports,
and the messages that cross from the runner and its children to the supervisor.

The channel is a SOCK_SEQPACKET socket: each message is one record (never spliced with another
writer's), and the kernel stamps every record with the sender's pid (SCM_CREDENTIALS), which no
process can forge. Messages, one JSON object each:
  from the runner:   {"watch": true} with the seccomp listener (SCM_RIGHTS), or {"watch": false, "why"};
                     {"loaded": true, "coverable"} or {"loadError"}; {"i", "end"} once an input's child is gone
  from the hook:     {"i", "event"} as an oracle fires; {"i", "exec": digest} before a program starts;
                     {"i", "probe"} when the child asks; {"i", "tamper"} when it sees the harness changed
  from the child:    {"i", "outcome"} once, or {"i", "unbuildable"}
"""
import hashlib
import os

TARGET_FILE = "target.py"
TESTS_FILE = "tests.py"
WORK_DIR = os.environ.get("ASC_WORK_DIR", "/work")
HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))

MAX_EVENTS = 20
MAX_LINES = 2000
MAX_MESSAGE_BYTES = 256 * 1024
# The exit status of a child whose channel was closed or replaced under it: it cannot say so
# on the channel, so its runner's end message carries it.
CHANNEL_LOST = 113
TAMPER_KIND, TAMPER_CWE = "tamper", "CWE-693"
# Every event an oracle raises, kind -> CWE: an event the channel carries that is not one of
# these no oracle sent.
ORACLE_EVENTS = {
    "shell": "CWE-78", "process": "CWE-78", "argument": "CWE-88", "path": "CWE-22", "network": "CWE-918",
    "eval": "CWE-95", "template": "CWE-1336", "sql": "CWE-89", "deserialize": "CWE-502", "library": "CWE-114",
    "redirect": "CWE-601", "xss": "CWE-79", "log": "CWE-117", "regex": "CWE-1333", "ldap": "CWE-90",
    "xpath": "CWE-643", "xxe": "CWE-611",
}
STATUSES_FROM_CHILD = {"ok", "rejected", "exception"}


def clip(text, limit):
    return text if len(text) <= limit else text[:limit] + "...[truncated]"


def harness_file(filename):
    """True for a frame or code object of the harness itself."""
    return filename.startswith(HARNESS_DIR + os.sep)


def argv_digest(argv, _sha256=hashlib.sha256, _fsencode=os.fsencode, _join=b"\0".join):
    """How the hook announces a program before it starts, and how the supervisor recognises it
    when the kernel reports it: the argument vector's bytes, as execve receives them. (Bound
    defaults: the hook calls it after the code under test may have replaced module names.)"""
    return _sha256(_join([_fsencode(a) for a in argv])).hexdigest()[:32]


def system_argv(command):
    """The argument vector glibc's system() (os.system) hands the shell."""
    return ["sh", "-c", command]
