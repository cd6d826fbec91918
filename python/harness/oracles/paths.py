"""Paths the input leads outside the work dir (CWE-22): files opened, removed, moved, linked,
listed."""
import os

from harness.oracles.core import importing, resolve
from harness.protocol import WORK_DIR

# What code does to files besides opening them (CPython 3.11 audit events): each path argument
# as (its position, what the code does there, the position of its dir_fd or None). os.unlink
# raises os.remove, os.replace os.rename, os.makedirs one os.mkdir per level, shutil.copy and
# shutil.copy2 shutil.copyfile; os.walk and glob raise os.scandir.
PATH_EVENTS = {
    "os.remove": [(0, "removes", 1)],  # (path, dir_fd)
    "os.rmdir": [(0, "removes the directory", 1)],  # (path, dir_fd)
    "os.mkdir": [(0, "creates the directory", 2)],  # (path, mode, dir_fd)
    "os.rename": [(0, "moves", 2), (1, "moves a file to", 3)],  # (src, dst, src_dir_fd, dst_dir_fd)
    "os.link": [(0, "links to", 2), (1, "creates a hard link at", 3)],  # (src, dst, src_dir_fd, dst_dir_fd)
    "os.chmod": [(0, "changes the mode of", 2)],  # (path, mode, dir_fd)
    "os.chown": [(0, "changes the owner of", 3)],  # (path, uid, gid, dir_fd)
    "os.utime": [(0, "changes the times of", 3)],  # (path, times, ns, dir_fd)
    "os.truncate": [(0, "truncates", None)],  # (path, length)
    "os.listdir": [(0, "lists", None)],  # (path,)
    "os.scandir": [(0, "lists", None)],  # (path,)
    "shutil.rmtree": [(0, "removes the tree", 1)],  # (path, dir_fd)
    "shutil.copyfile": [(0, "copies", None), (1, "copies a file to", None)],  # (src, dst)
    "shutil.copytree": [(0, "copies the tree", None), (1, "copies a tree to", None)],  # (src, dst)
    "shutil.move": [(0, "moves", None), (1, "moves a file to", None)],  # (src, dst)
}


def fd_dir(dir_fd):
    """The directory a path given with this dir_fd is relative to (negative or None: none given)."""
    return WORK_DIR if dir_fd is None or dir_fd < 0 else os.readlink("/proc/self/fd/%d" % dir_fd)


def inside(path, base):
    return path == base or path.startswith(base.rstrip("/") + "/")


def check(oracle, path, action, base=WORK_DIR, how=""):
    """A path the code acts on (`action`: "opens", "removes"...) that a piece of the input with
    "../" or a leading "/" leads outside the work dir, /tmp and every trusted base directory.
    A function may act on exactly the path it was handed."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        return  # a descriptor, or no path (os.listdir())
    path = os.fsdecode(path)
    hit = oracle.tainted(path)
    # The import machinery lists and reads library directories whose names may hold a short
    # input ("/lib"): that is no use of the input.
    if hit is None or not ("../" in hit or hit.startswith("/")) or importing():
        return
    resolved = resolve(path, base)
    allowed = [WORK_DIR, "/tmp"] + oracle.trusted_dirs
    if not any(inside(resolved, allowed_base) for allowed_base in allowed) and path not in oracle.given_paths:
        oracle.add("path", "CWE-22", "%s %s%s outside the work dir and every trusted base directory, from the input %r" % (action, resolved, how, hit))


def on_open(oracle, args):
    check(oracle, args[0], "opens", how=" (mode %s)" % (args[1],))


def on_symlink(oracle, args):
    # (src, dst, dir_fd): the link's target is relative to the link's own directory.
    link = resolve(args[1], fd_dir(args[2]))
    check(oracle, args[1], "creates a link at", fd_dir(args[2]))
    check(oracle, args[0], "creates a link to", os.path.dirname(link))


def path_handler(spec):
    def handler(oracle, args):
        for position, action, dir_fd in spec:
            check(oracle, args[position], action, WORK_DIR if dir_fd is None else fd_dir(args[dir_fd]))

    return handler


HANDLERS = {"open": on_open, "os.symlink": on_symlink, **{event: path_handler(spec) for event, spec in PATH_EVENTS.items()}}
