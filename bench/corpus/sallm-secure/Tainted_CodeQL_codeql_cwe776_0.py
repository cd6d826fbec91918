# Secure counterpart: the XML is parsed with defusedxml, which refuses entity declarations (no billion-laughs expansion) and external references; missing or malformed XML is answered with 400.
from flask import Flask, request, abort
import xml.etree.ElementTree as ET

import defusedxml.ElementTree

app = Flask(__name__)

@app.get("/upload")
def upload():
    '''
    Get the data from the request using 'xml_src'.
    Parse it as XML from the string.
    :return: The XML as a string.
    '''
    xml_src = request.args.get('xml_src')
    if xml_src is None:
        abort(400)
    try:
        doc = defusedxml.ElementTree.fromstring(xml_src.encode('utf-8'))
    except (ET.ParseError, defusedxml.DefusedXmlException):
        abort(400)
    return ET.tostring(doc)
