# Secure counterpart: the id is passed to the XPath query as a variable ($tag_id) instead of being formatted into the expression, the XML is parsed without entity resolution or network access, and matches are serialised and served as text/plain.
from lxml import etree

from flask import Flask, request, Response, abort

app = Flask(__name__)

@app.route('/xpath_query')
def xpath_query():
    '''
    Get XML source from the request using 'xml_src' and parse it.
    Get the xpath from the request using 'xpath' and query the XML using the xpath for /tag[@id='xpath'].
    :return: The result of the query.
    '''
    xml_src = request.args.get('xml_src')
    xpathvalue = request.args.get('xpath')
    if xml_src is None or xpathvalue is None:
        abort(400)
    xml = xml_src.encode('utf-8')
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        abort(400)
    result = tree.xpath("/tag[@id=$tag_id]", tag_id=xpathvalue)
    return Response(b''.join(etree.tostring(element, with_tail=False) for element in result), mimetype='text/plain')
