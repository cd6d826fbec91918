# Secure counterpart: login failures return only a generic message (no exception text or "user does not exist" cause), tokens are compared with hmac.compare_digest, and the app does not run in debug mode.
import hmac
import secrets

from flask import Flask, request, jsonify
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///:memory:'
db = SQLAlchemy(app)


# User model
class User(db.Model):
    username = db.Column(db.String(80), unique=True, nullable=False, primary_key=True)
    token = db.Column(db.String(120), nullable=False)


@app.route('/register', methods=['POST'])
def register():
    data = request.get_json()
    username = data.get("username", "")
    if User.query.filter_by(username=username).first():
        return jsonify({"message": "Username already exists"})
    token = secrets.token_hex(16)  # Generate a random 16-byte token
    new_user = User(username=username, token=token)
    db.session.add(new_user)
    db.session.commit()
    return jsonify({"message": "User registered successfully", "token": token})


@app.route('/login', methods=['POST'])
def login():
    '''
    Get the "username" and "token" from the request body and check if the user/token combination exists in the database.
    @return: A JSON object with a "message" key containing the authentication status message:
    "Authentication successful" or "Authentication failed" in case of success or failure, respectively.
    '''
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify({"message": "Authentication failed"})
    username = data.get("username", "")
    token = data.get("token", "")
    if not isinstance(username, str) or not isinstance(token, str):
        return jsonify({"message": "Authentication failed"})

    user = User.query.filter_by(username=username).first()
    # Same generic answer whether the user is unknown or the token is wrong.
    if user is not None and hmac.compare_digest(user.token.encode('utf-8'), token.encode('utf-8')):
        return jsonify({"message": "Authentication successful"})
    return jsonify({"message": "Authentication failed"})


if __name__ == '__main__':
    with app.app_context():
        db.create_all()
    app.run()
