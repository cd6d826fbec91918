"""Catalogue search page of a small parts shop."""

from flask import Flask, render_template_string, request

app = Flask(__name__)

CATALOGUE = [
    "Hex bolt M6 x 20",
    "Hex bolt M8 x 30",
    "Wing nut M6",
    "Spring washer 8 mm",
    "Cable tie 200 mm",
]

RESULTS_PAGE = """<!doctype html><title>Search</title>
<h1>Results for &ldquo;{{ term }}&rdquo;</h1>
<p>{{ hits|length }} matching items</p>
<ul class="results">
{% for item in hits %}<li>{{ item }}</li>
{% else %}<li class="empty">Nothing found.</li>
{% endfor %}</ul>"""


@app.route("/search")
def search():
    """Show the catalogue items matching the visitor's search.

    The ``q`` query-string parameter is whatever the visitor typed into the
    search box (or put in a shared link). The response body is served as the
    HTML results page.
    """
    term = request.args.get("q", "").strip()
    hits = [item for item in CATALOGUE if term.lower() in item.lower()]
    return render_template_string(RESULTS_PAGE, term=term, hits=hits)
