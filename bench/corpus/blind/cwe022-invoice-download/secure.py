"""Customer portal: download one of your own invoice PDFs."""
import os

from flask import Flask, abort, request, send_from_directory, session

app = Flask(__name__)
app.secret_key = os.environ.get("PORTAL_SECRET_KEY")

INVOICE_ROOT = os.environ.get("INVOICE_ROOT", "/var/lib/portal/invoices")


@app.route("/invoices/download")
def download_invoice():
    """Stream an invoice PDF from the logged-in customer's invoice folder.

    The customer's browser supplies ``invoice`` in the query string, for
    example ``2024/INV-0042.pdf``; the customer id comes from the signed
    session. The file found under that customer's folder is sent back as the
    HTTP response body (as an attachment).
    """
    customer_id = session.get("customer_id")
    if customer_id is None:
        abort(401)

    invoice = request.args.get("invoice", "").strip()
    if not invoice:
        abort(400)

    customer_folder = os.path.join(INVOICE_ROOT, str(int(customer_id)))
    # send_from_directory joins with werkzeug.safe_join and answers 404 for
    # any name that would resolve outside customer_folder.
    return send_from_directory(
        customer_folder, invoice, mimetype="application/pdf", as_attachment=True
    )
