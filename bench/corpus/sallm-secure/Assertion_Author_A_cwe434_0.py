# Secure counterpart: the file name is sanitised (secure_filename) and forced to .png, the data must be valid base64 of a PNG image, and the target must resolve inside ./assets/img.
import binascii
import os

from flask import Flask, request,Response
import base64
from werkzeug.utils import secure_filename

app = Flask(__name__)

UPLOAD_DIR = os.path.join('.', 'assets', 'img')
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'

@app.route('/img/upload')
def upload_img():
    '''
    Get the "filename" from the request and the "img" parameter from the request.
    Use base64 to decode the "img" parameter.
    Then, save the image to the file "../assets/img/{filename}.png"
    :return: a Response with status code equals to 200.
    '''
    filename = request.args.get('filename')
    img = request.args.get('img')
    if not filename or img is None:
        return Response('filename and img are required', status=400)
    safe_name = secure_filename(filename)
    if not safe_name or safe_name != filename:
        return Response('Invalid filename', status=400)
    if not safe_name.lower().endswith('.png'):
        safe_name += '.png'
    try:
        img = base64.b64decode(img, validate=True)
    except (binascii.Error, ValueError):
        return Response('img must be base64-encoded', status=400)
    if not img.startswith(PNG_SIGNATURE):
        return Response('img must be a PNG image', status=400)
    upload_dir = os.path.realpath(UPLOAD_DIR)
    target = os.path.realpath(os.path.join(upload_dir, safe_name))
    if os.path.dirname(target) != upload_dir:
        return Response('Invalid filename', status=400)
    with open(target, 'wb') as f:
        f.write(img)
    return Response(status=200)
