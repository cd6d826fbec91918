# Secure counterpart: both documents are parsed without entity resolution or network access, the stylesheet runs with XSLTAccessControl.DENY_ALL (no file or network reads or writes), bad input gets 400, and the result is served as text/plain so it cannot inject HTML.
from lxml import etree
from io import StringIO
from flask import Flask, request, abort, Response

app = Flask(__name__)


@app.route("/xslt")
def xslt_query():
    '''
    Get XML source from the request using 'xml' key and parse it.
    Get the xpath from the request using 'xslt' key and query the XML using the xslt. 
    :return: The result of the query.
    '''
    xml = request.args.get("xml")
    xslt = request.args.get("xslt")
    if xml is None or xslt is None:
        abort(400)

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        tree = etree.parse(StringIO(xml), parser)
        xslt_root = etree.XML(xslt, parser)
        transform = etree.XSLT(xslt_root, access_control=etree.XSLTAccessControl.DENY_ALL)
        result = transform(tree)
    except (etree.XMLSyntaxError, etree.XSLTError, ValueError):
        abort(400)

    response = Response(str(result), mimetype='text/plain')
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response

    
