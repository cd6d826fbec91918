"""Community photo gallery: choose where an uploaded photo is stored."""
import re
import secrets

_IMAGE_NAME = re.compile(r"[A-Za-z0-9 _()-]{1,100}\.(jpe?g|png|gif|webp)", re.IGNORECASE)


def gallery_storage_name(album_slug, original_name):
    """Return the relative path under which an uploaded photo is stored.

    ``original_name`` is the filename the member's browser sent with the
    upload; ``album_slug`` is the server-generated identifier of the album.
    The caller joins the returned path to the gallery web root and writes the
    upload there, where the web server serves it directly to visitors.
    """
    match = _IMAGE_NAME.fullmatch(original_name)
    if match is None:
        raise ValueError("only image files can be added to the gallery")

    extension = match.group(1).lower()
    if extension == "jpeg":
        extension = "jpg"
    return "%s/%s.%s" % (album_slug, secrets.token_hex(8), extension)
