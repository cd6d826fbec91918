"""Programs the input reaches (CWE-78, CWE-88): a shell running its syntax, a program it chose,
an option it passed. Also judged from what the kernel watch reports (supervisor.py)."""
import re

from harness.oracles.core import text_of

SHELLS = {"/bin/sh", "sh", "/bin/bash", "bash", "/usr/bin/sh", "/usr/bin/bash", "/bin/dash", "/usr/bin/dash", "dash"}
SHELL_META = re.compile(r"[;&|`$<>\n]|\$\(")


def shell_command(oracle, command, how):
    """`how` % (command, the input's piece) says where the command ran."""
    hit = oracle.tainted(command)
    if hit is not None and SHELL_META.search(hit):
        oracle.add("shell", "CWE-78", how % (command, hit))


def program(oracle, program, argv, seen="", shells_only=False):
    """A program started with `argv`. `seen` says who saw it, when not the audit hook;
    `shells_only` for a program started by another program than the code's own process."""
    if len(argv) >= 3 and (program in SHELLS or argv[0] in SHELLS) and argv[1] == "-c":
        shell_command(oracle, argv[2], "a shell runs %r, with shell syntax from the input %r" + seen)
    elif shells_only:
        return
    elif argv and oracle.tainted(program + " " + argv[0]) is not None:
        oracle.add("process", "CWE-78", "the input chooses the program: %r%s" % (argv, seen))
    else:
        hit = next((a for a in argv[1:] if a.startswith("-") and oracle.tainted(a) is not None), None)
        if hit is not None:
            oracle.add("argument", "CWE-88", "the input passes an option to %s: %r%s" % (program, hit, seen))


def on_system(oracle, args):
    shell_command(oracle, text_of(args[0]), "os.system(%r) runs shell syntax from the input %r")


def on_spawn(oracle, args):
    # subprocess.Popen, os.posix_spawn and os.exec all pass (program, argv, ...).
    program(oracle, str(args[0]), [text_of(a) for a in (args[1] or [])])


HANDLERS = {"os.system": on_system, "subprocess.Popen": on_spawn, "os.posix_spawn": on_spawn, "os.exec": on_spawn}
