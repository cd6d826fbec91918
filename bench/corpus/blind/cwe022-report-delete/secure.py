"""Housekeeping for the analytics dashboard's generated CSV reports."""
import os
import re

_REPORT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class ReportArchive:
    """Generated reports live as ``<report_id>.csv`` in one directory."""

    def __init__(self, reports_dir):
        self.reports_dir = reports_dir

    def report_path(self, report_id):
        if not isinstance(report_id, str) or not _REPORT_ID.fullmatch(report_id):
            raise ValueError("malformed report id")
        return os.path.join(self.reports_dir, report_id + ".csv")

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
