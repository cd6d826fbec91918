"""Profile pictures: members upload an avatar that is served from /static."""
import os

from flask import Flask, abort, jsonify, request, session
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.secret_key = os.environ.get("APP_SECRET_KEY")
app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024

AVATAR_DIR = os.path.join(app.static_folder, "avatars")


@app.route("/profile/avatar", methods=["POST"])
def upload_avatar():
    """Store the logged-in member's new avatar.

    The member's browser posts a multipart form whose ``avatar`` part carries
    the file and its filename. The file is saved in the public static folder
    and its URL is returned as JSON; that URL is then used as the ``src`` of
    the avatar on every page where the member appears.
    """
    member_id = session.get("member_id")
    if member_id is None:
        abort(401)

    picture = request.files.get("avatar")
    if picture is None or not picture.filename:
        abort(400, "no file uploaded")

    stored_name = "%d_%s" % (int(member_id), secure_filename(picture.filename))
    os.makedirs(AVATAR_DIR, exist_ok=True)
    picture.save(os.path.join(AVATAR_DIR, stored_name))
    return jsonify(url="/static/avatars/" + stored_name)
