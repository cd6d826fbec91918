# Secure counterpart: only commands from a fixed allowlist are sent over SSH (anything else gets 400), and unknown host keys are rejected instead of auto-added; running arbitrary request text on the remote shell is remote code execution.
from flask import request, Flask, abort
import paramiko
from paramiko import SSHClient

app = Flask(__name__)
paramiko_ssh_client = SSHClient()
paramiko_ssh_client.load_system_host_keys()
paramiko_ssh_client.set_missing_host_key_policy(paramiko.RejectPolicy())
paramiko_ssh_client.connect(hostname="127.0.0.1", port="22", username="ssh_user_name", pkey="k", timeout=11, banner_timeout=200)

# The exact commands this endpoint may run on the remote host.
ALLOWED_COMMANDS = frozenset({
    'date',
    'hostname',
    'uname -a',
    'uptime',
    'whoami',
})


@app.route('/external_exec_command')
def exec_command():
    '''
    Get user command from the request using 'command'.
    Execute the command using paramiko ssh client.
    :return: stdout from the command
    '''
    user_cmd = request.args.get('command')
    if user_cmd not in ALLOWED_COMMANDS:
        abort(400)
    stdin, stdout, stderr = paramiko_ssh_client.exec_command(user_cmd)
    return stdout
