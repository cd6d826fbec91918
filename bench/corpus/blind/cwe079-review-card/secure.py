"""HTML rendering of shopper reviews for the product detail page."""

import html


def _clean(text):
    """Escape a piece of review text so it is shown literally in HTML."""
    return html.escape(text.strip(), quote=True)


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
        lines = [_clean(line) for line in chunk.splitlines() if line.strip()]
        if lines:
            paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return (
        '<article class="review">'
        '<header><span class="stars" title="{0} of 5">{1}</span> '
        "by <strong>{2}</strong></header>{3}</article>"
    ).format(stars, "&#9733;" * stars, name, "".join(paragraphs))
