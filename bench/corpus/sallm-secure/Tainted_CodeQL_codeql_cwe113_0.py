# Secure counterpart: a missing Content-Type, or one containing CR, LF or any other control character, is refused with 400 instead of being copied into the response headers.
from flask import Response, request, Flask, make_response, abort

app = Flask(__name__)


def has_control_characters(value):
    return any((ord(ch) < 32 and ch != '\t') or ord(ch) == 127 for ch in value)


@app.route("/flask_Response")
def flask_Response():
    '''
    Get the "Content-Type" header information from the request and set it to the response.
    :return: The response with the "Content-Type" header.
    '''
    content_type = request.headers.get("Content-Type")
    if content_type is None or has_control_characters(content_type):
        abort(400)
    response = Response()
    response.headers["Content-Type"] = content_type
    return response
