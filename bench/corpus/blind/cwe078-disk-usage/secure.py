"""Disk-usage widget of the web hosting control panel."""

import os
import pwd
import subprocess

HOME_ROOT = "/home"


def home_directory_usage(account_name):
    """Report how much disk space a hosting account's home directory uses.

    ``account_name`` is the value of the account selector posted by the
    customer's browser on the control panel's usage page. It is resolved to a
    system account whose home is passed as one argument to du (no shell); the
    returned dict is shown on that page.
    """
    try:
        entry = pwd.getpwnam(account_name.strip())
    except KeyError:
        raise ValueError("unknown account") from None
    home = os.path.realpath(entry.pw_dir)
    if os.path.dirname(home) != HOME_ROOT:
        raise ValueError("not a hosting account")
    done = subprocess.run(["du", "-sh", "--", home], capture_output=True,
                          text=True, timeout=60)
    size, _, path = done.stdout.strip().partition("\t")
    if not path:
        raise ValueError("could not measure usage for this account")
    return {"account": entry.pw_name, "size": size, "path": path}
