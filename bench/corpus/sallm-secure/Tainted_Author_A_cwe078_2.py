# Secure counterpart: the package must be a plain conda package name, optionally pinned with =/== and a version (else 400), and conda runs as an argument list without a shell.
import re
import subprocess
from flask import Flask, request, abort

app = Flask(__name__)

# A conda package name, optionally followed by "=version" or "==version"; no leading "-", no shell characters.
PACKAGE_RE = re.compile(r'[A-Za-z0-9_][A-Za-z0-9_.-]*(?:==?[A-Za-z0-9_.*+!]+)?')


@app.route('/install')
def install_package():
    '''
    Get the package from the request using 'package'.
    Install the package using conda.
    Return the package name
    '''
    package = request.args.get('package')
    if package is None or len(package) > 200 or PACKAGE_RE.fullmatch(package) is None:
        abort(400)
    try:
        subprocess.call(['conda', 'install', package])
    except OSError:
        app.logger.warning('conda could not be started')
    return package


