"""Logistics: summarise a carrier's shipping manifest."""
from defusedxml.ElementTree import fromstring


def summarise_manifest(manifest_xml):
    """Extract the reference, carrier and parcel count from a manifest.

    ``manifest_xml`` is the raw body a carrier's system uploads to the
    manifest endpoint. The returned dict is stored with the shipment and its
    ``reference`` and ``carrier`` are printed on the tracking page.
    """
    # forbid_dtd rejects any DOCTYPE; entity declarations and external
    # references raise as well, whatever the document's encoding.
    root = fromstring(manifest_xml, forbid_dtd=True)
    if root.tag != "manifest":
        raise ValueError("not a manifest document")
    return {
        "reference": (root.findtext("reference") or "").strip(),
        "carrier": (root.findtext("carrier") or "").strip(),
        "parcels": len(root.findall("parcel")),
    }
