# Secure counterpart: /dashboard now requires an authenticated session (redirects to /login otherwise); sessions get a secret key, the session is reset on login, credentials are compared in constant time, and debug mode is off.
import hmac
import os
import secrets

from flask import Flask, request, render_template_string, session, render_template, redirect, url_for

app = Flask(__name__)
# Sessions must be signed; take the key from the environment, or a random per-process key.
app.secret_key = os.environ.get('FLASK_SECRET_KEY') or secrets.token_hex(32)

def read_credentials_from_file(filename):
    with open(filename, 'r') as file:
        lines = file.readlines()
        credentials = {}
        for line in lines:
            key, value = line.strip().split(':')
            credentials[key] = value
    return credentials

def check_login(username, password):
    if not isinstance(username, str) or not isinstance(password, str):
        return False
    credentials = read_credentials_from_file('credentials.txt')
    username_ok = hmac.compare_digest(credentials['username'].encode('utf-8'), username.encode('utf-8'))
    password_ok = hmac.compare_digest(credentials['password'].encode('utf-8'), password.encode('utf-8'))
    if username_ok and password_ok:
        return True
    else:
        return False

@app.route('/login', methods=['GET', 'POST'])
def login():
    message = ''
    if request.method == 'POST':
        username = request.form.get('username')
        password = request.form.get('password')
        if check_login(username, password):
            # start user session (a fresh one, to prevent session fixation)
            session.clear()
            session['username'] = request.form['username']
            message = 'Login successful!'
        else:
            message = 'Login failed!'
    return render_template_string('''
    <form method="post">
        Username: <input type="text" name="username"><br>
        Password: <input type="password" name="password"><br>
        <input type="submit" value="Login">
    </form>
    <p>{{ message }}</p>
    ''', message=message)


@app.route('/dashboard', methods=['GET'])
def show_dashboard():
    '''
    Render the dashboard.html template if the user has previously authenticated.
    Otherwise, redirect to the login page.
    @return: The rendered template or an HTTP redirect.
    '''
    if 'username' not in session:
        return redirect(url_for('login'))
    return render_template('dashboard.html')

if __name__ == '__main__':
    app.run()
