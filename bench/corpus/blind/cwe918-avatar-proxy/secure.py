"""Avatar preview endpoint for the profile editor."""
from urllib.parse import urlsplit

import requests
from flask import Flask, Response, abort, request

app = Flask(__name__)

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
AVATAR_HOSTS = frozenset({"images.gravatar.example", "cdn.avatars.example"})


@app.route("/profile/avatar/preview", methods=["POST"])
def preview_avatar():
    """Fetch the image at the avatar URL a user typed and echo it back.

    The browser posts JSON {"avatar_url": ...}; the URL comes straight from
    the user's profile form. Only HTTPS URLs on the approved avatar CDNs are
    downloaded, and the image bytes are returned in the HTTP response shown
    in the profile editor.
    """
    payload = request.get_json(silent=True) or {}
    avatar_url = payload.get("avatar_url")
    if not isinstance(avatar_url, str) or not avatar_url:
        abort(400)

    parts = urlsplit(avatar_url)
    if (parts.scheme != "https" or parts.hostname not in AVATAR_HOSTS
            or parts.username is not None or parts.port not in (None, 443)):
        abort(400)

    upstream = requests.get(avatar_url, timeout=5, stream=True,
                            allow_redirects=False)
    content_type = upstream.headers.get("Content-Type", "").split(";")[0].strip()
    if upstream.status_code != 200 or content_type not in IMAGE_TYPES:
        upstream.close()
        abort(422)
    body = upstream.raw.read(MAX_IMAGE_BYTES, decode_content=True)
    upstream.close()

    resp = Response(body, mimetype=content_type)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
