"""Restore a tenant's site backup archive into its workspace."""
import os
import tarfile


class BackupRestorer:
    """Unpacks uploaded backups under one directory per tenant."""

    def __init__(self, workspace_root):
        self.workspace_root = workspace_root

    def workspace_for(self, tenant_id):
        path = os.path.join(self.workspace_root, "tenant-%d" % int(tenant_id))
        os.makedirs(path, exist_ok=True)
        return path

    def restore(self, tenant_id, archive_path):
        """Unpack a tenant-supplied ``.tar.gz`` backup into its workspace.

        ``archive_path`` is where the upload handler stored the archive the
        tenant sent through the "restore backup" form, so the archive's member
        names and types are chosen by the tenant; ``tenant_id`` comes from the
        authenticated session. Every member is written to disk below the
        tenant's workspace. Returns the list of member names restored.
        """
        target = self.workspace_for(tenant_id)
        with tarfile.open(archive_path, mode="r:gz") as archive:
            restored = archive.getnames()
            archive.extractall(path=target)
        return restored
