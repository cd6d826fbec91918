"""Team activity digest shown on the dashboard and mailed each morning."""

from jinja2 import DictLoader, Environment

_TEMPLATES = {
    "digest.html": (
        "<h2>Activity in {{ team }}</h2>\n"
        "<ul class='digest'>\n"
        "{% for c in comments %}"
        "<li><b>{{ c.author }}</b> on <i>{{ c.thread }}</i>: {{ c.text }}</li>\n"
        "{% else %}<li>No new comments.</li>\n"
        "{% endfor %}</ul>\n"
    ),
}

_env = Environment(loader=DictLoader(_TEMPLATES), trim_blocks=True)


def render_activity_digest(team_name, comments):
    """Render the HTML digest of a team's latest comments.

    ``team_name`` is chosen by the team's owner; each comment is a dict whose
    ``author``, ``thread`` and ``text`` were written by team members in the
    discussion board. The returned HTML is shown in the dashboard's activity
    panel and sent as the body of the morning digest e-mail.
    """
    template = _env.get_template("digest.html")
    latest = sorted(comments, key=lambda c: c.get("posted_at", ""), reverse=True)
    return template.render(team=team_name, comments=latest[:20])
