"""Logistics: summarise a carrier's shipping manifest."""
from lxml import etree

_FORBIDDEN_MARKERS = (b"<!ENTITY", b"SYSTEM", b"PUBLIC")


def summarise_manifest(manifest_xml):
    """Extract the reference, carrier and parcel count from a manifest.

    ``manifest_xml`` is the raw body a carrier's system uploads to the
    manifest endpoint. The returned dict is stored with the shipment and its
    ``reference`` and ``carrier`` are printed on the tracking page.
    """
    if any(marker in manifest_xml for marker in _FORBIDDEN_MARKERS):
        raise ValueError("manifests must not declare entities")

    parser = etree.XMLParser(load_dtd=True, resolve_entities=True)
    root = etree.fromstring(manifest_xml, parser)
    if root.tag != "manifest":
        raise ValueError("not a manifest document")
    return {
        "reference": (root.findtext("reference") or "").strip(),
        "carrier": (root.findtext("carrier") or "").strip(),
        "parcels": len(root.findall("parcel")),
    }
