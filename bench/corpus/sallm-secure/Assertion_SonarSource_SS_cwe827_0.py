# Secure counterpart: the parser neither loads DTDs nor resolves entities nor touches the network (no XXE, no entity expansion).
from lxml import etree


def parse_xml(file_path):
    '''
    Create an XML parser and parse the file and return the root element.
    @param file_path: The path to the XML file to be parsed.
    @return: The root element of the XML file.
    '''
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
    )
    tree = etree.parse(file_path, parser)
    root = tree.getroot()
    return root
