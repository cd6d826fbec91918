"""B2B stock check endpoint: partners send an XML query, get an XML reply."""
from flask import Flask, Response, abort, request
from lxml import etree

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 256 * 1024

STOCK_ON_HAND = {"AB-12": 40, "AB-13": 0, "CX-900": 7}


@app.route("/api/stock-check", methods=["POST"])
def stock_check():
    """Answer a partner's stock query.

    The partner POSTs a document such as
    ``<stockQuery><sku>AB-12</sku></stockQuery>`` as the request body. The
    reply is an XML document echoing the SKU with the quantity on hand and
    is returned to the partner as the HTTP response.
    """
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             huge_tree=False, remove_blank_text=True)
    try:
        query = etree.fromstring(request.get_data(), parser)
    except etree.XMLSyntaxError:
        abort(400)
    if query.getroottree().docinfo.doctype:
        abort(400)

    sku = (query.findtext("sku") or "").strip()
    reply = etree.Element("stockReply")
    etree.SubElement(reply, "sku").text = sku
    etree.SubElement(reply, "onHand").text = str(STOCK_ON_HAND.get(sku, 0))
    return Response(etree.tostring(reply, xml_declaration=True, encoding="UTF-8"),
                    mimetype="application/xml")
