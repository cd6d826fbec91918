"""Batch worker (runs as root) that executes users' scheduled report jobs."""
import os
import pwd
import subprocess

JOB_TIMEOUT_SECONDS = 900


def _demote(uid: int):
    def switch_user():
        os.setuid(uid)
    return switch_user


def run_user_job(job_script: str, owner: str) -> subprocess.CompletedProcess:
    """Run one queued job script with the privileges of the user who owns it.

    job_script is the path of the script the user uploaded to the spool
    directory (its contents are entirely theirs); owner is the Unix account
    recorded on the job. The script is executed as a child process and the
    completed process (with captured output) is returned to the scheduler,
    which stores the output for the user.
    """
    account = pwd.getpwnam(owner)
    if account.pw_uid == 0:
        raise PermissionError("jobs may not run as root")
    return subprocess.run(
        ["/bin/sh", job_script],
        cwd=account.pw_dir if os.path.isdir(account.pw_dir) else "/",
        env={"PATH": "/usr/bin:/bin", "HOME": account.pw_dir, "USER": owner},
        preexec_fn=_demote(account.pw_uid),
        capture_output=True,
        timeout=JOB_TIMEOUT_SECONDS,
        check=False,
    )
