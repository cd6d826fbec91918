"""Language switcher used by the site footer."""
from flask import Flask, abort, redirect, request

app = Flask(__name__)

SUPPORTED_LOCALES = {"en", "de", "fr", "nl", "es"}


@app.route("/locale/<code>")
def switch_locale(code):
    """Remember the chosen language and send the visitor back where they were.

    code is the locale from the footer link; ?next= is the page the visitor
    was reading, put into the link by the page template but editable by
    anyone who crafts a link. The response is a redirect to that page.
    """
    if code not in SUPPORTED_LOCALES:
        abort(404)
    next_page = request.args.get("next") or "/"
    resp = redirect(next_page)
    resp.set_cookie("locale", code, max_age=365 * 24 * 3600,
                    secure=True, httponly=True, samesite="Lax")
    return resp
