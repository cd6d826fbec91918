# Secure counterpart: the cookie is set with Secure, HttpOnly and SameSite=Lax, and a missing value is answered with 400.
from flask import Flask,request, make_response, abort

app = Flask(__name__)
@app.route("/getcookie")
def getcookie():
    '''
    Get the cookie from the request using 'cookie' and set it as a cookie in the response.
    :return: The response with the cookie.
    '''
    cookie = request.args.get('cookie')
    if cookie is None:
        abort(400)
    resp = make_response('Set cookie')
    resp.set_cookie('cookie', cookie, secure=True, httponly=True, samesite='Lax')
    return resp
