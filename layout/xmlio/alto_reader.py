"""Read ALTO (v2 to v4.4; eScriptorium, Tesseract, kraken, our own) into a Page."""

from __future__ import annotations

from collections import Counter
from typing import get_args

from lxml import etree

from layout.document import Direction, Glyph, Page, Region, RegionKind, TextLine, Word
from layout.geometry import Box, Points, parse_points
from layout.xmlio.alto_metadata import read_description
from layout.xmlio.alto_vocab import BLOCK_KINDS, HYPHEN_TAG, KIND_TAG_TYPE
from layout.xmlio.common import float_attr, local_name
from layout.xmlio.safe import XMLFormatError

_DIRECTIONS: dict[str, Direction] = {"ltr": "ltr", "rtl": "rtl", "ttb": "ttb", "btt": "btt"}


class _Reader:
    def __init__(self, root: etree._Element) -> None:
        self.ns = etree.QName(root).namespace or ""
        self.tags: dict[str, tuple[str, str | None]] = {}
        tags = root.find(self.q("Tags"))
        if tags is not None:
            for tag in tags:
                if isinstance(tag.tag, str) and tag.get("ID"):
                    self.tags[tag.get("ID", "")] = (tag.get("LABEL", ""), tag.get("TYPE"))

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def outline(self, element: etree._Element) -> Points:
        polygon = element.find(f"{self.q('Shape')}/{self.q('Polygon')}")
        if polygon is not None and polygon.get("POINTS"):
            return parse_points(polygon.get("POINTS", ""))
        x, y = float_attr(element, "HPOS"), float_attr(element, "VPOS")
        w, h = float_attr(element, "WIDTH"), float_attr(element, "HEIGHT")
        if x is None or y is None or w is None or h is None:
            return ()
        return Box.from_xywh(x, y, w, h).corners()

    def tag_labels(self, element: etree._Element) -> list[tuple[str, str | None]]:
        return [self.tags[t] for t in element.get("TAGREFS", "").split() if t in self.tags]

    def type_label(self, element: etree._Element) -> str | None:
        return next(
            (label for label, kind in self.tag_labels(element) if kind != KIND_TAG_TYPE), None
        )

    def baseline(self, line: etree._Element, outline: Points) -> Points | None:
        raw = line.get("BASELINE")
        if not raw:
            return None
        points = parse_points(raw)
        if len(points) >= 2:
            return points
        try:  # ALTO before 4.2: one number, the baseline's y position
            y = float(raw)
        except ValueError:
            return None
        xs = [p[0] for p in outline]
        return ((min(xs), y), (max(xs), y)) if xs else None

    def word(self, string: etree._Element) -> Word:
        glyphs = [
            Glyph(
                text=g.get("CONTENT", ""),
                polygon=self.outline(g),
                confidence=float_attr(g, "GC"),
                id=g.get("ID"),
            )
            for g in string.findall(self.q("Glyph"))
        ]
        return Word(
            text=string.get("CONTENT", ""),
            polygon=self.outline(string),
            confidence=float_attr(string, "WC"),
            glyphs=glyphs,
            id=string.get("ID"),
        )

    def line(self, element: etree._Element, fallback_id: str, inherited: Direction) -> TextLine:
        outline = self.outline(element)
        words = [self.word(s) for s in element.findall(self.q("String"))]
        hyphen = element.find(self.q(HYPHEN_TAG))
        if hyphen is not None and words:
            words[-1].text += hyphen.get("CONTENT", "")
        text = " ".join(w.text for w in words)
        if any(any(c.isspace() for c in w.text.strip()) for w in words) or not text:
            words = []  # one String per line: a line-level transcription, not words
        return TextLine(
            id=element.get("ID") or fallback_id,
            polygon=outline,
            baseline=self.baseline(element, outline),
            text=text,
            words=words,
            direction=_DIRECTIONS.get(element.get("BASEDIRECTION", ""), inherited),
            type=self.type_label(element),
        )

    def block(self, element: etree._Element, index: int) -> Region:
        bid = element.get("ID") or f"block_{index}"
        name = local_name(element)
        kind: RegionKind = BLOCK_KINDS[name]
        for label, tag_type in self.tag_labels(element):
            if tag_type == KIND_TAG_TYPE:
                kind = _kind(label, kind)
        direction = _DIRECTIONS.get(element.get("BASEDIRECTION", ""), "ltr")
        lines = [
            self.line(line, f"{bid}_line_{n}", direction)
            for n, line in enumerate(element.findall(self.q("TextLine")))
        ]
        return Region(
            id=bid,
            polygon=self.outline(element),
            kind=kind,
            type=self.type_label(element),
            lines=lines,
            direction=direction,
        )

    def reading_order(self, root: etree._Element) -> list[str]:
        order = root.find(self.q("ReadingOrder"))
        if order is None:
            return []
        return [ref for el in order.iter(self.q("ElementRef")) for ref in el.get("REF", "").split()]


def _kind(label: str, default: RegionKind) -> RegionKind:
    kinds: tuple[RegionKind, ...] = get_args(RegionKind)
    return next((k for k in kinds if k == label), default)


def read_alto(tree: etree._ElementTree) -> Page:
    """Build a Page from a parsed ALTO tree (the first ``Page`` of its ``Layout``).

    Raises:
        XMLFormatError: when there is no ``Layout/Page`` or it has no size.
    """
    root = tree.getroot()
    reader = _Reader(root)
    page_el = root.find(f"{reader.q('Layout')}/{reader.q('Page')}")
    if page_el is None:
        raise XMLFormatError("ALTO without Layout/Page")
    width, height = float_attr(page_el, "WIDTH"), float_attr(page_el, "HEIGHT")
    if width is None or height is None:
        raise XMLFormatError("ALTO Page lacks WIDTH or HEIGHT")
    filename, metadata = read_description(root, reader.q)
    blocks = [e for e in page_el.iter() if isinstance(e.tag, str) and local_name(e) in BLOCK_KINDS]
    regions = [reader.block(e, n) for n, e in enumerate(blocks)]
    directions = Counter(line.direction for r in regions for line in r.lines)
    return Page(
        image_filename=filename,
        width=round(width),
        height=round(height),
        regions=regions,
        reading_order=reader.reading_order(root),
        direction="rtl" if directions["rtl"] > directions["ltr"] else "ltr",
        id=page_el.get("ID"),
        metadata=metadata,
    )
