# Secure counterpart: send_from_directory (werkzeug safe_join) keeps the requested file inside ./static, and a missing name is refused with 400.
from flask import request, send_from_directory, Flask, abort

app = Flask(__name__)

@app.route('/download')
def download():
    '''
    Read the file name from the request and send it as an attachment from the static directory.
    '''
    file = request.args.get('file')
    if not file:
        abort(400)
    # Paths that would leave ./static (e.g. "../app.py", absolute paths) give 404.
    return send_from_directory('./static', file, as_attachment=True)
