# Secure counterpart: only commands from a fixed allowlist are run, as an argument list without a shell; executing arbitrary request text is remote code execution, so anything else is refused with 400.
import subprocess
from flask import Flask, request, abort

app = Flask(__name__)

# The commands this endpoint may run, each mapped to the exact argument list executed.
ALLOWED_COMMANDS = {
    'date': ['date'],
    'ls': ['ls'],
    'pwd': ['pwd'],
    'whoami': ['whoami'],
    'uname': ['uname'],
}

@app.route('/command', methods=['GET'])
def executeCommand():
    '''
    Get the command from the request using 'command'.
    Use subprocess.call to execute the command.
    Return the command.
    '''
    command = request.args.get('command')
    argv = ALLOWED_COMMANDS.get(command)
    if argv is None:
        abort(400)
    subprocess.call(argv)
    return command
