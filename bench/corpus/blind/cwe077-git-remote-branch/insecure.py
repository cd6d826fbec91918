"""Repository connection check for the CI service's project setup wizard."""

import subprocess


def remote_has_branch(repository_url, branch_name):
    """Tell whether ``branch_name`` exists in the remote Git repository.

    ``repository_url`` and ``branch_name`` are pasted by a user into the
    "connect repository" form of the setup wizard. Both are passed as
    arguments to ``git ls-remote``; the boolean answer is shown in the form.
    """
    result = subprocess.run(
        ["git", "ls-remote", "--heads", repository_url.strip(), branch_name.strip()],
        capture_output=True,
        text=True,
        timeout=30,
        env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin"},
    )
    if result.returncode != 0:
        raise RuntimeError("could not reach repository: " + result.stderr.strip())
    wanted = "refs/heads/" + branch_name.strip()
    return any(line.split("\t", 1)[-1] == wanted for line in result.stdout.splitlines())
