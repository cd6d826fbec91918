"""HTML rendering of shopper reviews for the product detail page."""

import re

_SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def _clean(text):
    """Drop embedded script blocks from a piece of review text."""
    return _SCRIPT_BLOCK.sub("", text).strip()


def render_review_card(reviewer_name, rating, review_body):
    """Build the HTML card for one product review.

    ``reviewer_name`` and ``review_body`` are free text a shopper typed into the
    "write a review" form; ``rating`` is the star value (1-5) from the same form.
    The returned string is inserted as-is into the product page's HTML.
    """
    stars = max(1, min(int(rating), 5))
    name = _clean(reviewer_name) or "Anonymous"
    paragraphs = []
    for chunk in review_body.split("\n\n"):
        chunk = _clean(chunk)
        if chunk:
            paragraphs.append("<p>" + "<br>".join(chunk.splitlines()) + "</p>")
    return (
        '<article class="review">'
        '<header><span class="stars" title="{0} of 5">{1}</span> '
        "by <strong>{2}</strong></header>{3}</article>"
    ).format(stars, "&#9733;" * stars, name, "".join(paragraphs))
