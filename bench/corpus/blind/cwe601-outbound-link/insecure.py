"""Click-tracking redirector for links in the newsletter."""
import logging

from flask import Flask, abort, redirect, request

app = Flask(__name__)
log = logging.getLogger("newsletter.clicks")


class OutboundLinks:
    """Logs newsletter clicks before sending the reader on."""

    def target_for(self, destination, campaign):
        """Record a click and return the URL to redirect the reader to."""
        if not destination:
            return None
        log.info("click campaign=%r link=%r", campaign, destination)
        return destination


links = OutboundLinks()


@app.route("/out")
def follow_link():
    """Redirect a newsletter reader to the link they clicked.

    ?to= is the destination URL and ?c= the campaign tag, both written into
    the newsletter's links but editable by anyone. The response is a 302 to
    the destination.
    """
    target = links.target_for(request.args.get("to"), request.args.get("c", ""))
    if target is None:
        abort(404)
    return redirect(target, code=302)
