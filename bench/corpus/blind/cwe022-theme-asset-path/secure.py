"""Static asset lookup for the site-builder's theme packs."""
import os

THEMES_DIR = os.path.realpath(os.environ.get("THEMES_DIR", "/srv/sitebuilder/themes"))


def resolve_theme_asset(theme_name, asset_path):
    """Return the filesystem path of a static file inside a theme pack.

    Both ``theme_name`` and ``asset_path`` are taken from the public URL
    ``/assets/<theme_name>/<path:asset_path>``. The returned path is passed
    by the caller to the static-file responder, which opens it and streams
    its bytes to whoever requested the URL.
    """
    if not theme_name or not asset_path:
        raise ValueError("theme and asset are required")

    candidate = os.path.realpath(os.path.join(THEMES_DIR, theme_name, asset_path))
    if os.path.commonpath([THEMES_DIR, candidate]) != THEMES_DIR:
        raise PermissionError("asset is outside the themes directory")
    return candidate
