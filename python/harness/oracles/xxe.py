"""An XML document from the input whose external entity the parser resolved (CWE-611): the probe
among the attack strings names a local file, and its text in the parse result is the proof."""

# The file the XXE probe among the attack strings names, and a line only that file holds.
XXE_CANARY = "root:x:0:0"


def on_xml(oracle, args):
    data, text = args
    if oracle.payload(data) and XXE_CANARY in text and not any(XXE_CANARY in t for t in oracle.texts):
        oracle.add("xxe", "CWE-611", "an XML document from the input made the parser read a local file through an external entity")


HANDLERS = {"asc.xml": on_xml}
