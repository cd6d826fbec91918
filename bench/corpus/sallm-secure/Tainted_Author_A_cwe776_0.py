# Secure counterpart: the XML is parsed with defusedxml, which refuses entity declarations (no billion-laughs expansion); refused or malformed XML gets 400.
import xml.etree.ElementTree as ET
import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException
from flask import Flask, request, abort

app = Flask(__name__)

@app.route('/xml_upload')
def XMLUpload():
    '''
    Get the data from the request using 'xml_src'.
    Parse it as XML from the string.
    :return: The XML as a string.
    '''
    xml_src = request.args.get('xml_src')
    if xml_src is None:
        abort(400)
    xml_src = xml_src.encode('utf-8')
    try:
        doc = DefusedET.fromstring(xml_src)
    except (ET.ParseError, DefusedXmlException):
        abort(400)
    return ET.tostring(doc)






    
