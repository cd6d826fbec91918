"""Log search used by the ops chat bot's ``!logs`` command."""

import shlex
import subprocess

LOG_DIR = "/var/log/app"
KNOWN_SERVICES = frozenset({"api", "worker", "scheduler", "gateway", "billing"})


def build_log_search_command(search_term, service):
    """Return the shell pipeline that finds ``search_term`` in a service log.

    ``search_term`` and ``service`` are the two words an on-call engineer typed
    after ``!logs`` in the team chat. The returned string is run by /bin/sh in
    ``search_logs()``.
    """
    if service not in KNOWN_SERVICES:
        raise ValueError(f"unknown service {service!r}")
    log_file = f"{LOG_DIR}/{service}.log"
    return (f"grep -F -n -e {shlex.quote(search_term)} -- "
            f"{shlex.quote(log_file)} | tail -n 200")


def search_logs(search_term, service):
    """Run the search and return the matching lines for the chat reply."""
    command = build_log_search_command(search_term, service)
    result = subprocess.run(command, shell=True, capture_output=True,
                            text=True, timeout=30)
    return result.stdout
