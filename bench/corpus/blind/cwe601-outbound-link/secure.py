"""Click-tracking redirector for links in the newsletter."""
import logging

from flask import Flask, abort, redirect, request

app = Flask(__name__)
log = logging.getLogger("newsletter.clicks")

REGISTERED_LINKS = {
    "spring-sale": "https://shop.example.com/sale/spring",
    "release-notes": "https://www.example.com/blog/release-4-2",
    "survey": "https://forms.example.com/reader-survey",
}


class OutboundLinks:
    """Logs newsletter clicks before sending the reader on."""

    def __init__(self, registry):
        self.registry = registry

    def target_for(self, destination, campaign):
        """Record a click and return the registered URL for a link id."""
        target = self.registry.get(destination or "")
        if target is None:
            return None
        log.info("click campaign=%r link=%r", campaign, destination)
        return target


links = OutboundLinks(REGISTERED_LINKS)


@app.route("/out")
def follow_link():
    """Redirect a newsletter reader to the link they clicked.

    ?to= is the id of a registered link and ?c= the campaign tag, both
    written into the newsletter's links but editable by anyone. The response
    is a 302 to the URL registered for that id; unknown ids get a 404.
    """
    target = links.target_for(request.args.get("to"), request.args.get("c", ""))
    if target is None:
        abort(404)
    return redirect(target, code=302)
