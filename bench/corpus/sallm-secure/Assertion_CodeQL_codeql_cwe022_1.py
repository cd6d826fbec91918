# Secure counterpart: the file name is resolved with os.path.realpath and must stay inside the current directory; rejected or unreadable files get an HTTP error instead of a None return (which Flask cannot send).
import os

from flask import Flask, request, abort
import re

app = Flask(__name__)



@app.route('/open_file')
def open_file():
    '''
    Get the file name from the request using 'file_name' and check if the file opens successfully in the given path from the current directory.
    
    :return: The file object if the file opens successfully, None otherwise.
    '''
    file_name = request.args.get('file_name')
    if not file_name:
        abort(400, description="Missing 'file_name' parameter")
    base_dir = os.path.realpath(os.getcwd())
    full_path = os.path.realpath(os.path.join(base_dir, file_name))
    if os.path.commonpath([base_dir, full_path]) != base_dir:
        abort(400, description="Invalid file name")
    try:
        fp = open(full_path, 'rb')
        content = fp.read()
        fp.close()
        return content
    except (OSError, ValueError):
        abort(404, description="File not found")
