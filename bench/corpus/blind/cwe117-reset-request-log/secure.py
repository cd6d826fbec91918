"""Password-reset request endpoint."""
import queue
import re

from flask import Flask, jsonify, request

app = Flask(__name__)
reset_jobs = queue.Queue(maxsize=10_000)
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _for_log(value):
    """Render control characters visibly so one value stays on one log line."""
    return _UNPRINTABLE.sub(lambda m: "\\x%02x" % ord(m.group()) if ord(m.group()) < 256
                            else "\\u%04x" % ord(m.group()), value)


@app.route("/account/password-reset", methods=["POST"])
def request_password_reset():
    """Queue a reset e-mail for the address typed on the forgot-password page.

    The email form field is submitted by anyone. The request is recorded in
    the application log (read by the security team's log tooling) with control
    characters escaped, and the address is handed to the mail worker; the
    response is the same either way.
    """
    email = request.form.get("email", "").strip()
    app.logger.info("password reset requested for %s from %s",
                    _for_log(email[:254]), request.remote_addr)
    if len(email) <= 254 and _ADDRESS.fullmatch(email):
        try:
            reset_jobs.put_nowait(email)
        except queue.Full:
            app.logger.warning("reset queue full")
    return jsonify(status="If the address is registered, a reset link is on its way."), 202
