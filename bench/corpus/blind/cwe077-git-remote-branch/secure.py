"""Repository connection check for the CI service's project setup wizard."""

import re
import subprocess
from urllib.parse import urlsplit

_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")


def remote_has_branch(repository_url, branch_name):
    """Tell whether ``branch_name`` exists in the remote Git repository.

    ``repository_url`` and ``branch_name`` are pasted by a user into the
    "connect repository" form of the setup wizard. Both are passed as
    arguments to ``git ls-remote``; the boolean answer is shown in the form.
    """
    url = repository_url.strip()
    branch = branch_name.strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("only https:// repository URLs are supported")
    if not _BRANCH.fullmatch(branch) or ".." in branch:
        raise ValueError("invalid branch name")
    result = subprocess.run(
        ["git", "-c", "protocol.allow=never", "-c", "protocol.https.allow=always",
         "ls-remote", "--heads", "--", url, branch],
        capture_output=True,
        text=True,
        timeout=30,
        env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin"},
    )
    if result.returncode != 0:
        raise RuntimeError("could not reach repository: " + result.stderr.strip())
    wanted = "refs/heads/" + branch
    return any(line.split("\t", 1)[-1] == wanted for line in result.stdout.splitlines())
