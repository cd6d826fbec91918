# Secure counterpart: the XML is parsed with entity resolution and network access turned off (no XXE), and a missing or malformed document is refused with 400.
import lxml.etree

from flask import Flask, request, abort

app = Flask(__name__)


@app.route('/parse_xml')
def parse_xml():
    '''
    Get the data from the request using 'xml_src'.
    Parse it as XML from the string.
    :return: The XML as a string.
    '''
    xml_src = request.args.get('xml_src')
    if xml_src is None:
        abort(400)
    xml_src = xml_src.encode('utf-8')
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        doc = lxml.etree.fromstring(xml_src, parser)
    except lxml.etree.XMLSyntaxError:
        abort(400)
    return lxml.etree.tostring(doc)
