"""Sidebar fragments for a member's public profile page."""

import html
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})


class ProfileCard:
    """Holds the profile fields a member filled in and renders them as HTML."""

    def __init__(self, display_name, website):
        self.display_name = display_name
        self.website = website

    def render_name(self):
        """Return the member's display name as an HTML heading."""
        return "<h2 class='member'>" + html.escape(self.display_name) + "</h2>"

    def render_website_link(self):
        """Return the anchor that links to the member's own website.

        ``display_name`` and ``website`` are free text the member typed into the
        profile settings form. The returned fragment is placed in the public
        profile page's HTML that every visitor sees.
        """
        url = self.website.strip()
        if not url:
            return ""
        if "//" not in url and ":" not in url:
            url = "https://" + url
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
            return ""
        label = html.escape(self.display_name, quote=True)
        href = html.escape(parts.geturl(), quote=True)
        return f'<a class="website" href="{href}" rel="nofollow ugc">{label}&#39;s site</a>'
