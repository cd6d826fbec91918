"""Personalised landing page reached from marketing e-mails."""

from datetime import date

from flask import Flask, render_template_string, request

app = Flask(__name__)

PLANS = {"free": "Free", "team": "Team", "pro": "Professional"}

WELCOME_PAGE = (
    "<!doctype html><title>Welcome</title>"
    "<section class='welcome'>"
    "<h1>Welcome back, {{ display_name }}!</h1>"
    "<p>You are on the {{ plan }} plan.</p>"
    "<footer>&copy; {{ year }} Example Ltd</footer>"
    "</section>"
)


@app.route("/welcome")
def welcome():
    """Render the welcome banner for the person who followed the link.

    The ``name`` and ``plan`` query parameters are set in the e-mail link and
    can be edited by whoever opens it. A fixed Jinja template is rendered with
    them as variables and the HTML is the response body.
    """
    display_name = request.args.get("name", "there")[:80]
    plan = PLANS.get(request.args.get("plan", "free"), "Free")
    return render_template_string(WELCOME_PAGE, display_name=display_name,
                                  plan=plan, year=date.today().year)
