"""Language switcher used by the site footer."""
import re

from flask import Flask, abort, redirect, request

app = Flask(__name__)

SUPPORTED_LOCALES = {"en", "de", "fr", "nl", "es"}
LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.~%=&?+-]*")


def _local_target(next_page):
    """Return next_page if it is a same-site path, else the home page."""
    if next_page and LOCAL_PATH.fullmatch(next_page):
        return next_page
    return "/"


@app.route("/locale/<code>")
def switch_locale(code):
    """Remember the chosen language and send the visitor back where they were.

    code is the locale from the footer link; ?next= is the page the visitor
    was reading, put into the link by the page template but editable by
    anyone who crafts a link. The response is a redirect to that page, and
    only to a path on this site.
    """
    if code not in SUPPORTED_LOCALES:
        abort(404)
    resp = redirect(_local_target(request.args.get("next")))
    resp.set_cookie("locale", code, max_age=365 * 24 * 3600,
                    secure=True, httponly=True, samesite="Lax")
    return resp
