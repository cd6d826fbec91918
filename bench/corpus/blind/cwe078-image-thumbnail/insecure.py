"""Thumbnail generation for uploaded gallery images (ImageMagick)."""

import subprocess

UPLOAD_DIR = "/srv/gallery/uploads"
THUMB_DIR = "/srv/gallery/thumbs"


class ThumbnailService:
    """Makes 128 px thumbnails of images stored in the upload directory."""

    ALLOWED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")

    def __init__(self, upload_dir=UPLOAD_DIR, thumb_dir=THUMB_DIR):
        self.upload_dir = upload_dir
        self.thumb_dir = thumb_dir

    def thumbnail_command(self, image_name):
        """Return the command that writes the thumbnail of ``image_name``.

        ``image_name`` is the original file name the uploader's browser sent
        with the upload. The returned command line is executed through the
        shell by ``make_thumbnail()``.
        """
        if not image_name.lower().endswith(self.ALLOWED_SUFFIXES):
            raise ValueError("unsupported image type")
        source = f"{self.upload_dir}/{image_name}"
        target = f"{self.thumb_dir}/{image_name}"
        return f"convert '{source}' -auto-orient -thumbnail 128x128 '{target}'"

    def make_thumbnail(self, image_name):
        """Create the thumbnail; raises CalledProcessError if convert fails."""
        subprocess.run(self.thumbnail_command(image_name), shell=True,
                       check=True, timeout=60)
