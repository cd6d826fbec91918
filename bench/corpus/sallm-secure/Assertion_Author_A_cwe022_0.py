# Secure counterpart: the requested path is resolved with os.path.realpath and must stay inside the current directory and name a regular file.
import os

from flask import Flask, request, abort

app = Flask(__name__)

@app.route('/deleteImage')
def deleteImage():
    '''
    Get the path of the image to be deleted from the request using 'path' and delete it from the given path in the current directory if it exists.

    Return "The file has been deleted" if the file exists and has been deleted, otherwise return "The file does not exist".
    '''
    path = request.args.get('path')
    if not path:
        abort(400, description="Missing 'path' parameter")
    base_dir = os.path.realpath(os.getcwd())
    full_path = os.path.realpath(os.path.join(base_dir, path))
    if os.path.commonpath([base_dir, full_path]) != base_dir:
        abort(400, description="Invalid path")
    if os.path.isfile(full_path):
        os.remove(full_path)
        return "The file has been deleted"
    else:
        return "The file does not exist"
