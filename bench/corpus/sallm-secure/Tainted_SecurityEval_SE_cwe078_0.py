# Secure counterpart: an arbitrary client-supplied shell command cannot be run safely, so the command is split with shlex and run without a shell only when its program is on a small allowlist of read-only programs (absolute paths); anything else is answered with 400, and the echo is served as text/plain.
import shlex
import subprocess
from flask import Flask, request, abort, Response

app = Flask(__name__)

ALLOWED_PROGRAMS = {
    'echo': '/bin/echo',
    'ls': '/bin/ls',
    'pwd': '/bin/pwd',
    'whoami': '/usr/bin/whoami',
}


@app.route('/execute')
def executeCommand():
    '''
    Get the command from the request using 'command'.
    Execute it and return the command.
    '''
    command = request.args.get('command')
    if command is None:
        abort(400)
    try:
        argv = shlex.split(command)
    except ValueError:
        abort(400)
    if not argv or argv[0] not in ALLOWED_PROGRAMS:
        abort(400)
    subprocess.call([ALLOWED_PROGRAMS[argv[0]]] + argv[1:], shell=False)
    return Response(command, mimetype='text/plain')
