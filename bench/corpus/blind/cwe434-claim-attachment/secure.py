"""Insurance claims: claimants attach supporting documents to a claim."""
import os
import secrets

# The extension decides how the web server labels the file, so it is the
# extension (checked against the content's magic bytes) that is allowlisted.
ALLOWED_DOCUMENTS = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}


class ClaimAttachmentStore:
    """Keeps claim attachments in the downloads area the web server exposes."""

    def __init__(self, public_dir, url_prefix="/downloads/"):
        self.public_dir = public_dir
        self.url_prefix = url_prefix

    def save_attachment(self, claim_id, filename, content_type, data):
        """Store one document a claimant attached to ``claim_id``.

        ``filename``, ``content_type`` and ``data`` are the filename, the
        Content-Type and the bytes of the multipart part the claimant's browser
        sent; ``claim_id`` was already checked to belong to the claimant. The
        file is written into the public downloads directory, which the web
        server serves as-is, and the returned URL is shown to case handlers.
        """
        extension = os.path.splitext(filename)[1].lower()
        magic = ALLOWED_DOCUMENTS.get(extension)
        if magic is None or not data.startswith(magic):
            raise ValueError("only PDF, PNG or JPEG documents can be attached")

        stored = "claim-%d-%s%s" % (int(claim_id), secrets.token_hex(8), extension)
        with open(os.path.join(self.public_dir, stored), "wb") as handle:
            handle.write(data)
        return self.url_prefix + stored
