"""Catalogue search page of a small parts shop."""

from flask import Flask, request

app = Flask(__name__)

CATALOGUE = [
    "Hex bolt M6 x 20",
    "Hex bolt M8 x 30",
    "Wing nut M6",
    "Spring washer 8 mm",
    "Cable tie 200 mm",
]


@app.route("/search")
def search():
    """Show the catalogue items matching the visitor's search.

    The ``q`` query-string parameter is whatever the visitor typed into the
    search box (or put in a shared link). The response body is served as the
    HTML results page.
    """
    term = request.args.get("q", "").strip()
    hits = [item for item in CATALOGUE if term.lower() in item.lower()]
    rows = "".join(f"<li>{item}</li>" for item in hits)
    if not hits:
        rows = "<li class='empty'>Nothing found.</li>"
    return (
        "<!doctype html><title>Search</title>"
        f"<h1>Results for &ldquo;{term}&rdquo;</h1>"
        f"<p>{len(hits)} matching items</p>"
        f"<ul class='results'>{rows}</ul>"
    )
