"""Community photo gallery: choose where an uploaded photo is stored."""
import re
import secrets

_IMAGE_EXTENSION = re.compile(r"\.(jpe?g|png|gif|webp)", re.IGNORECASE)
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]")


def gallery_storage_name(album_slug, original_name):
    """Return the relative path under which an uploaded photo is stored.

    ``original_name`` is the filename the member's browser sent with the
    upload; ``album_slug`` is the server-generated identifier of the album.
    The caller joins the returned path to the gallery web root and writes the
    upload there, where the web server serves it directly to visitors.
    """
    if not _IMAGE_EXTENSION.search(original_name):
        raise ValueError("only image files can be added to the gallery")

    cleaned = _UNSAFE_CHARS.sub("_", original_name)[-100:]
    return "%s/%s-%s" % (album_slug, secrets.token_hex(4), cleaned)
