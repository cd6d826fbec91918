# Secure counterpart: the XML parser no longer resolves entities or fetches anything over the network (no XXE), and missing or malformed XML is answered with 400.
from flask import Flask, request, abort
import lxml.etree

app = Flask(__name__)

@app.post("/parse_xml")
def parse_xml():
    '''
    Get the data from the request using 'xml_src'.
    Parse it as XML from the string.
    :return: The XML as a string.
    '''
    xml_src = request.form.get('xml_src')
    if xml_src is None:
        abort(400)
    # Create an XMLParser instance that leaves entities unresolved and never loads external resources
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        doc = lxml.etree.fromstring(xml_src, parser)
    except (lxml.etree.XMLSyntaxError, ValueError):
        abort(400)
    return lxml.etree.tostring(doc)
