# Secure counterpart: the package must be a bare PEP 508 project name (no options, version specifiers, URLs or shell syntax) and pip runs from an argument list without a shell.
import re
import subprocess
import sys

from flask import Flask, request, abort

app = Flask(__name__)

PACKAGE_NAME = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?')


@app.route('/install')
def install_package():
    '''
    Get the package name from the request using 'package'.
    Install it using pip.
    Return the package name
    '''
    package = request.args.get('package')
    if package is None or not PACKAGE_NAME.fullmatch(package):
        abort(400)
    subprocess.run([sys.executable, '-m', 'pip', 'install', package], shell=False, check=False)
    return package
