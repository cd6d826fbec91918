"""Housekeeping for the analytics dashboard's generated CSV reports."""
import os


class ReportArchive:
    """Generated reports live as ``<report_id>.csv`` in one directory."""

    def __init__(self, reports_dir):
        self.reports_dir = reports_dir

    @staticmethod
    def _strip_traversal(report_id):
        return report_id.replace("../", "").replace("..\\", "")

    def report_path(self, report_id):
        return os.path.join(self.reports_dir, self._strip_traversal(report_id) + ".csv")

    def delete_report(self, report_id):
        """Delete one generated report.

        ``report_id`` is the last segment of the ``DELETE /reports/<report_id>``
        request an analyst's browser sends from the dashboard. The matching
        file is removed from disk with os.remove. Returns True if a file was
        deleted, False if there was none.
        """
        path = self.report_path(report_id)
        if not os.path.exists(path):
            return False
        os.remove(path)
        return True
