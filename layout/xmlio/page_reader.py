"""Read PAGE-XML (2010 to 2019 namespaces, with or without prefixes) into a Page."""

from __future__ import annotations

from lxml import etree

from layout.document import Direction, Glyph, Page, Region, TextLine, Word
from layout.geometry import Points, parse_points
from layout.provenance import PageMetadata, parse_datetime
from layout.xmlio.common import PAGE_DIRECTIONS, custom_structure_type, float_attr, local_name
from layout.xmlio.page_metadata import read_step
from layout.xmlio.page_vocab import REGION_ELEMENTS
from layout.xmlio.safe import XMLFormatError


class _Reader:
    """Walks one PAGE tree; ``ns`` is the namespace of its root."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def child(self, element: etree._Element, tag: str) -> etree._Element | None:
        return element.find(self.q(tag))

    def coords(self, element: etree._Element) -> Points:
        found = self.child(element, "Coords")
        if found is None:
            return ()
        points = found.get("points")
        if points is not None:
            return parse_points(points)
        # PAGE 2010 wrote points as Point elements.
        return tuple(
            (float(p.get("x", 0)), float(p.get("y", 0))) for p in found.iter(self.q("Point"))
        )

    def text_equiv(self, element: etree._Element) -> tuple[str | None, float | None]:
        """Text and confidence of the element's first TextEquiv (lowest index first)."""
        equivs = element.findall(self.q("TextEquiv"))
        if not equivs:
            return None, None
        equivs.sort(key=lambda e: int(e.get("index", "0")) if e.get("index", "0").isdigit() else 0)
        best = equivs[0]
        unicode = self.child(best, "Unicode")
        text = (unicode.text or "") if unicode is not None else ""
        return text, float_attr(best, "conf")

    def glyph(self, element: etree._Element) -> Glyph:
        text, conf = self.text_equiv(element)
        return Glyph(
            text=text or "", polygon=self.coords(element), confidence=conf, id=element.get("id")
        )

    def word(self, element: etree._Element) -> Word:
        text, conf = self.text_equiv(element)
        glyphs = [self.glyph(g) for g in element.findall(self.q("Glyph"))]
        if text is None:
            text = "".join(g.text for g in glyphs)
        return Word(
            text=text,
            polygon=self.coords(element),
            confidence=conf,
            glyphs=glyphs,
            id=element.get("id"),
        )

    def line(self, element: etree._Element, index: str, inherited: Direction) -> TextLine:
        words = [self.word(w) for w in element.findall(self.q("Word"))]
        text, conf = self.text_equiv(element)
        if text is None:
            text = " ".join(w.text for w in words)
        baseline_el = self.child(element, "Baseline")
        baseline = parse_points(baseline_el.get("points", "")) if baseline_el is not None else None
        return TextLine(
            id=element.get("id") or index,
            polygon=self.coords(element),
            baseline=baseline or None,
            text=text,
            confidence=conf,
            words=words,
            direction=PAGE_DIRECTIONS.get(element.get("readingDirection", ""), inherited),
            type=custom_structure_type(element.get("custom")),
        )

    def region(self, element: etree._Element, index: int, inherited: Direction) -> Region:
        rid = element.get("id") or f"region_{index}"
        direction = PAGE_DIRECTIONS.get(element.get("readingDirection", ""), inherited)
        kind = REGION_ELEMENTS[local_name(element)]
        lines = [
            self.line(line, f"{rid}_line_{n}", direction)
            for n, line in enumerate(element.findall(self.q("TextLine")))
        ]
        return Region(
            id=rid,
            polygon=self.coords(element),
            kind=kind,
            type=custom_structure_type(element.get("custom")) or element.get("type"),
            lines=lines,
            direction=direction,
        )

    def reading_order(self, page: etree._Element) -> list[str]:
        order = self.child(page, "ReadingOrder")
        if order is None:
            return []
        refs: list[str] = []
        for group in order:
            self._flatten(group, refs)
        return refs

    def _flatten(self, group: etree._Element, refs: list[str]) -> None:
        ref = group.get("regionRef")
        if ref:
            refs.append(ref)
        members = [m for m in group if isinstance(m.tag, str) and m.tag != self.q("Labels")]
        if "Ordered" in local_name(group):
            members.sort(key=lambda m: int(m.get("index", "0")))
        for member in members:
            self._flatten(member, refs)

    def metadata(self, root: etree._Element) -> PageMetadata:
        meta = self.child(root, "Metadata")
        if meta is None:
            return PageMetadata()
        out = PageMetadata(
            creator=meta.findtext(self.q("Creator")) or None,
            created=parse_datetime(meta.findtext(self.q("Created"))),
            last_change=parse_datetime(meta.findtext(self.q("LastChange"))),
        )
        for item in meta.findall(self.q("MetadataItem")):
            if item.get("type") == "imageProperties" and item.get("name") == "source-sha256":
                out.source_sha256 = item.get("value")
            elif item.get("type") == "processingStep":
                out.steps.append(read_step(item, self.q))
        return out


def read_page(tree: etree._ElementTree) -> Page:
    """Build a Page from a parsed PAGE-XML tree.

    Raises:
        XMLFormatError: when the tree has no ``Page`` element or no image size.
    """
    root = tree.getroot()
    reader = _Reader(etree.QName(root).namespace or "")
    page_el = reader.child(root, "Page")
    if page_el is None:
        raise XMLFormatError("PAGE-XML without a Page element")
    width, height = float_attr(page_el, "imageWidth"), float_attr(page_el, "imageHeight")
    if width is None or height is None:
        raise XMLFormatError("PAGE-XML Page lacks imageWidth or imageHeight")
    direction = PAGE_DIRECTIONS.get(page_el.get("readingDirection", ""), "ltr")
    xres, yres = float_attr(page_el, "imageXResolution"), float_attr(page_el, "imageYResolution")
    region_elements = [
        e for e in page_el.iter() if isinstance(e.tag, str) and local_name(e) in REGION_ELEMENTS
    ]
    return Page(
        image_filename=page_el.get("imageFilename", ""),
        width=round(width),
        height=round(height),
        dpi=(xres, yres or xres) if xres else None,
        regions=[reader.region(e, n, direction) for n, e in enumerate(region_elements)],
        reading_order=reader.reading_order(page_el),
        direction=direction,
        id=root.get("pcGtsId"),
        metadata=reader.metadata(root),
    )
