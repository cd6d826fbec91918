"""Log search used by the ops chat bot's ``!logs`` command."""

import subprocess

LOG_DIR = "/var/log/app"


def build_log_search_command(search_term, service):
    """Return the shell pipeline that finds ``search_term`` in a service log.

    ``search_term`` and ``service`` are the two words an on-call engineer typed
    after ``!logs`` in the team chat. The returned string is run by /bin/sh in
    ``search_logs()``.
    """
    log_file = f"{LOG_DIR}/{service}.log"
    return f'grep -F -n -e "{search_term}" "{log_file}" | tail -n 200'


def search_logs(search_term, service):
    """Run the search and return the matching lines for the chat reply."""
    command = build_log_search_command(search_term, service)
    result = subprocess.run(command, shell=True, capture_output=True,
                            text=True, timeout=30)
    return result.stdout
