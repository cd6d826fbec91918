"""Disk-usage widget of the web hosting control panel."""

import subprocess


def home_directory_usage(account_name):
    """Report how much disk space a hosting account's home directory uses.

    ``account_name`` is the value of the account selector posted by the
    customer's browser on the control panel's usage page. It is used in the du
    command line run by the shell; the returned dict is shown on that page.
    """
    output = subprocess.getoutput("du -sh /home/" + account_name.strip())
    size, _, path = output.partition("\t")
    if not path:
        raise ValueError("could not measure usage for " + account_name)
    return {"account": account_name, "size": size, "path": path}
