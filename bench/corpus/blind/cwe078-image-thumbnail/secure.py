"""Thumbnail generation for uploaded gallery images (ImageMagick)."""

import os
import re
import subprocess

UPLOAD_DIR = "/srv/gallery/uploads"
THUMB_DIR = "/srv/gallery/thumbs"

_IMAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.(?:png|jpe?g|gif)",
                         re.IGNORECASE)


class ThumbnailService:
    """Makes 128 px thumbnails of images stored in the upload directory."""

    def __init__(self, upload_dir=UPLOAD_DIR, thumb_dir=THUMB_DIR):
        self.upload_dir = upload_dir
        self.thumb_dir = thumb_dir

    def thumbnail_command(self, image_name):
        """Return the argv that writes the thumbnail of ``image_name``.

        ``image_name`` is the original file name the uploader's browser sent
        with the upload. The returned argument list is executed (without a
        shell) by ``make_thumbnail()``.
        """
        if not _IMAGE_NAME.fullmatch(image_name):
            raise ValueError("unsupported image name")
        source = os.path.join(self.upload_dir, image_name)
        target = os.path.join(self.thumb_dir, image_name)
        return ["convert", source, "-auto-orient", "-thumbnail", "128x128", target]

    def make_thumbnail(self, image_name):
        """Create the thumbnail; raises CalledProcessError if convert fails."""
        subprocess.run(self.thumbnail_command(image_name), check=True, timeout=60)
