"""Download bundles of a project's exported files."""

import os
import subprocess
import uuid


class ExportBundler:
    """Packs files from a project's export directory into a .tar.gz bundle."""

    def __init__(self, export_dir, output_dir):
        self.export_dir = export_dir
        self.output_dir = output_dir

    def build_bundle_argv(self, file_names, bundle_path):
        """Return the tar argument vector that packs ``file_names``.

        ``file_names`` are the entries a project member ticked on the export
        page, posted as a JSON list; ``bundle_path`` is chosen by the server.
        The returned list is executed as a tar process by ``create_bundle()``.
        """
        for name in file_names:
            if name in ("", ".", "..") or os.path.basename(name) != name:
                raise ValueError(f"{name!r}: only plain file names are allowed")
            if not os.path.isfile(os.path.join(self.export_dir, name)):
                raise ValueError(f"{name!r}: no such exported file")
        return ["tar", "-czf", bundle_path, "-C", self.export_dir, "--", *file_names]

    def create_bundle(self, file_names):
        """Build the bundle and return its path for the download response."""
        if not file_names:
            raise ValueError("nothing selected")
        bundle_path = os.path.join(self.output_dir, f"export-{uuid.uuid4().hex}.tar.gz")
        subprocess.run(self.build_bundle_argv(file_names, bundle_path),
                       check=True, timeout=120)
        return bundle_path
