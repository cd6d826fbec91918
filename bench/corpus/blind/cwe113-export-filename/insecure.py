"""Tiny internal export server that streams CSV reports as downloads."""
import csv
import io
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

SAMPLE_ROWS = [("region", "revenue"), ("north", "1200"), ("south", "980")]


class ExportHandler(BaseHTTPRequestHandler):
    """Serves GET /export?name=<download name> as a CSV attachment."""

    def do_GET(self):
        """Send the revenue report as a file download.

        ?name= is the file name the user typed in the export dialog; it is
        put into the Content-Disposition response header so the browser
        saves the file under that name.
        """
        query = parse_qs(urlsplit(self.path).query)
        name = query.get("name", ["report"])[0] or "report"
        if not name.lower().endswith(".csv"):
            name += ".csv"

        buf = io.StringIO()
        csv.writer(buf).writerows(SAMPLE_ROWS)
        data = buf.getvalue().encode("utf-8")

        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Disposition", f'attachment; filename="{name}"')
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
