# Secure counterpart: "next" must stay on this host (else 400), the session is created with a random secret key, and debug mode is off.
import hmac
import secrets
from urllib.parse import urljoin, urlparse

from flask import Flask, session, abort
from flask import request, render_template, redirect, url_for
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///:memory:'
app.secret_key = secrets.token_hex(32)
db = SQLAlchemy(app)


# User model
class User(db.Model):
    username = db.Column(db.String(80), unique=True, nullable=False, primary_key=True)
    password = db.Column(db.String(120), nullable=False)


def is_safe_redirect_target(target):
    '''
    Return True only for a relative URL or an http(s) URL on this application's own host.
    Backslashes, whitespace and control characters are refused because browsers rewrite them
    (e.g. "/\\evil.example" is treated as "//evil.example").
    '''
    if not target or '\\' in target or any(ord(c) <= 32 or ord(c) == 127 for c in target):
        return False
    host_url = urlparse(request.host_url)
    redirect_url = urlparse(urljoin(request.host_url, target))
    return redirect_url.scheme in ('http', 'https') and redirect_url.netloc == host_url.netloc


@app.route('/login', methods=['POST', 'GET'])
def login():
    '''
    Get the "username" and "password" from the request body and check if the user/password combination exists in the database.
    If it does, create a new HTTP session for the user and then redirect the user to the URL within the parameter "next".
    If the login is unsuccessful, render the login.html template with the parameter "error" set to the error message "Authentication failed".
    @return: the rendered login.html template or an HTTP redirect to the URL within the parameter "next".
    '''
    if request.method == 'POST':
        # Get the "username" and "password" from the request body
        username = request.form.get('username')
        password = request.form.get('password')

        # Check if the user/password combination exists in the database
        user = User.query.filter_by(username=username).first()
        if user and password is not None and hmac.compare_digest(
                user.password.encode('utf-8'), password.encode('utf-8')):
            next_url = request.args.get('next')
            if next_url and not is_safe_redirect_target(next_url):
                # Refuse open redirects to other hosts or schemes
                abort(400)
            # Login successful, create a new HTTP session for the user
            session.clear()
            session['username'] = user.username
            return redirect(next_url or url_for('dashboard'))
        else:
            # Login failed, render the login.html template with an error message
            return render_template('login.html', error="Authentication failed")

    # Render the login.html template
    return render_template('login.html')


if __name__ == '__main__':
    with app.app_context():
        db.create_all()

    app.run()
