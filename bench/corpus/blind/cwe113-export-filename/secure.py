"""Tiny internal export server that streams CSV reports as downloads."""
import csv
import io
import re
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, urlsplit

SAMPLE_ROWS = [("region", "revenue"), ("north", "1200"), ("south", "980")]


def _disposition(name):
    """Content-Disposition value with an ASCII-safe name plus RFC 5987 form."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "report.csv"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


class ExportHandler(BaseHTTPRequestHandler):
    """Serves GET /export?name=<download name> as a CSV attachment."""

    def do_GET(self):
        """Send the revenue report as a file download.

        ?name= is the file name the user typed in the export dialog; it is
        reduced to safe characters (and percent-encoded for filename*)
        before it goes into the Content-Disposition response header.
        """
        query = parse_qs(urlsplit(self.path).query)
        name = query.get("name", ["report"])[0][:150] or "report"
        if not name.lower().endswith(".csv"):
            name += ".csv"

        buf = io.StringIO()
        csv.writer(buf).writerows(SAMPLE_ROWS)
        data = buf.getvalue().encode("utf-8")

        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Disposition", _disposition(name))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
