"""Thumbnail worker: consumes jobs from the queue shared with partner apps."""
import io
import pickle

_FORBIDDEN_MODULES = {"os", "posix", "nt", "subprocess", "sys", "shutil", "socket", "pty"}


class _JobUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module.split(".")[0] in _FORBIDDEN_MODULES:
            raise pickle.UnpicklingError("refusing to load %s.%s" % (module, name))
        return super().find_class(module, name)


class ThumbnailJobWorker:
    """Turns queue messages into calls on a thumbnail renderer."""

    def __init__(self, renderer):
        self.renderer = renderer

    def handle_message(self, payload):
        """Decode one queue message and render the thumbnails it asks for.

        ``payload`` is the raw body of a message on the shared ``thumbnails``
        queue, to which partner integrations publish pickled job dicts with
        ``image_id``, ``sizes`` and a ``submitted_at`` datetime. The decoded
        values are passed to ``renderer.render``; its result is returned.
        """
        job = _JobUnpickler(io.BytesIO(payload)).load()
        if not isinstance(job, dict):
            raise ValueError("job must be a dict")
        sizes = [int(size) for size in job.get("sizes", [])][:8]
        return self.renderer.render(str(job["image_id"]), sizes, job.get("submitted_at"))
