"""PAGE-XML and ALTO: the two XML views of the page document model.

``read_document`` accepts either format (detected from the root element) and
``serialize`` writes either; nothing else in the project builds XML by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from lxml import etree

from layout.document import Page
from layout.xmlio.alto_reader import read_alto
from layout.xmlio.alto_writer import write_alto
from layout.xmlio.namespaces import ALTO_NAMESPACES, PAGE_NAMESPACES
from layout.xmlio.page_reader import read_page
from layout.xmlio.page_writer import write_page
from layout.xmlio.safe import XMLFormatError, parse_xml

XMLFormat = Literal["page", "alto"]

__all__ = [
    "XMLFormat",
    "XMLFormatError",
    "detect_format",
    "parse_xml",
    "read_document",
    "serialize",
    "to_bytes",
    "write_alto",
    "write_page",
]


def detect_format(tree: etree._ElementTree) -> XMLFormat:
    """Tell PAGE from ALTO by the root element's namespace.

    Raises:
        XMLFormatError: for any other XML.
    """
    root = tree.getroot()
    qname = etree.QName(root)
    if qname.localname == "PcGts" and qname.namespace in PAGE_NAMESPACES:
        return "page"
    if qname.localname == "alto" and qname.namespace in ALTO_NAMESPACES:
        return "alto"
    raise XMLFormatError(f"neither PAGE-XML nor ALTO: root element is {root.tag!r}")


def read_document(source: bytes | Path) -> Page:
    """Read a PAGE-XML or ALTO file (a path or its bytes) into a Page.

    Raises:
        XMLFormatError: when the XML is broken, unsafe or of another format.
    """
    tree = parse_xml(source)
    return read_page(tree) if detect_format(tree) == "page" else read_alto(tree)


def to_bytes(tree: etree._ElementTree) -> bytes:
    """UTF-8 bytes with an XML declaration, indented for people to read."""
    etree.indent(tree, space="  ")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def serialize(page: Page, fmt: XMLFormat) -> bytes:
    """The page as PAGE-XML or ALTO bytes."""
    return to_bytes(write_page(page) if fmt == "page" else write_alto(page))
