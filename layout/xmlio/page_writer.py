"""Write a Page as PAGE-XML 2019-07-15 with Coords, Baseline, Word, Glyph and provenance."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from layout.document import Glyph, Page, Region, TextLine, Word
from layout.geometry import Points
from layout.provenance import format_datetime
from layout.xmlio.common import (
    PAGE_DIRECTION_NAMES,
    format_confidence,
    pixel_points,
    word_outline,
)
from layout.xmlio.ids import IdAllocator
from layout.xmlio.namespaces import PAGE_2019, PAGE_SCHEMA_LOCATION, XSI
from layout.xmlio.page_metadata import write_step
from layout.xmlio.page_vocab import KIND_ELEMENTS, page_region_type


def q(tag: str) -> str:
    """Qualified PAGE 2019 tag name."""
    return f"{{{PAGE_2019}}}{tag}"


class _Writer:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.ids = IdAllocator()

    def points(self, points: Points) -> str:
        pixels = pixel_points(points, self.page.width, self.page.height)
        return " ".join(f"{x},{y}" for x, y in pixels)

    def coords(self, parent: etree._Element, points: Points) -> None:
        if not points:  # the schema needs Coords; a zero box marks missing geometry
            points = ((0.0, 0.0), (0.0, 0.0))
        etree.SubElement(parent, q("Coords"), points=self.points(points))

    @staticmethod
    def text_equiv(parent: etree._Element, text: str, conf: float | None) -> None:
        equiv = etree.SubElement(parent, q("TextEquiv"))
        if conf is not None:
            equiv.set("conf", format_confidence(conf))
        etree.SubElement(equiv, q("Unicode")).text = text

    def glyph(self, parent: etree._Element, glyph: Glyph, outline: Points) -> None:
        el = etree.SubElement(parent, q("Glyph"), id=self.ids.take(glyph.id, "g"))
        self.coords(el, glyph.polygon or outline)
        self.text_equiv(el, glyph.text, glyph.confidence)

    def word(self, parent: etree._Element, word: Word, line: Points) -> None:
        el = etree.SubElement(parent, q("Word"), id=self.ids.take(word.id, "w"))
        outline = word_outline(word, line)
        self.coords(el, outline)
        for glyph in word.glyphs:
            self.glyph(el, glyph, outline)
        self.text_equiv(el, word.text, word.confidence)

    def line(self, parent: etree._Element, line: TextLine, region: Region) -> None:
        el = etree.SubElement(parent, q("TextLine"), id=self.ids.take(line.id, "l"))
        if line.direction != region.direction:
            el.set("readingDirection", PAGE_DIRECTION_NAMES[line.direction])
        if line.type:
            el.set("custom", f"structure {{type:{line.type};}}")
        outline = line.outline()
        self.coords(el, outline)
        if line.baseline:
            etree.SubElement(el, q("Baseline"), points=self.points(line.baseline))
        for word in line.words:
            self.word(el, word, outline)
        self.text_equiv(el, line.text, line.confidence)

    def region(self, parent: etree._Element, region: Region) -> None:
        rid = self.ids.take(region.id, "r")
        el = etree.SubElement(parent, q(KIND_ELEMENTS[region.kind]), id=rid)
        if region.kind == "text":
            page_type, custom = page_region_type(region.type)
            if page_type:
                el.set("type", page_type)
            if custom:
                el.set("custom", custom)
            if region.direction != self.page.direction:
                el.set("readingDirection", PAGE_DIRECTION_NAMES[region.direction])
        elif region.type:
            el.set("custom", f"structure {{type:{region.type};}}")
        self.coords(el, region.polygon or _lines_box(region))
        for line in region.lines:
            self.line(el, line, region)
        if region.kind == "text" and region.lines:
            self.text_equiv(el, "\n".join(line.text for line in region.lines), None)

    def reading_order(self, page_el: etree._Element) -> None:
        regions = self.page.ordered_regions()
        if not regions:
            return
        order = etree.SubElement(page_el, q("ReadingOrder"))
        group = etree.SubElement(order, q("OrderedGroup"), id=self.ids.fresh("ro"))
        for index, region in enumerate(regions):
            etree.SubElement(
                group,
                q("RegionRefIndexed"),
                index=str(index),
                regionRef=self.ids.resolve(region.id),
            )

    def metadata(self, root: etree._Element) -> None:
        meta = self.page.metadata
        now = datetime.now(UTC)
        el = etree.SubElement(root, q("Metadata"))
        etree.SubElement(el, q("Creator")).text = meta.creator or "archive-ocr"
        etree.SubElement(el, q("Created")).text = format_datetime(meta.created or now)
        etree.SubElement(el, q("LastChange")).text = format_datetime(meta.last_change or now)
        if meta.source_sha256:
            etree.SubElement(
                el,
                q("MetadataItem"),
                type="imageProperties",
                name="source-sha256",
                value=meta.source_sha256,
            )
        for step in meta.steps:
            write_step(el, q, step)

    def build(self) -> etree._ElementTree:
        nsmap = {None: PAGE_2019, "xsi": XSI}
        root = etree.Element(q("PcGts"), nsmap=nsmap)  # type: ignore[arg-type]
        root.set(f"{{{XSI}}}schemaLocation", PAGE_SCHEMA_LOCATION)
        if self.page.id:
            root.set("pcGtsId", self.ids.take(self.page.id, "pc"))
        self.metadata(root)
        page = self.page
        page_el = etree.SubElement(
            root,
            q("Page"),
            imageFilename=page.image_filename,
            imageWidth=str(page.width),
            imageHeight=str(page.height),
        )
        if page.dpi:
            page_el.set("imageXResolution", f"{page.dpi[0]:g}")
            page_el.set("imageYResolution", f"{page.dpi[1]:g}")
        if page.direction != "ltr":
            page_el.set("readingDirection", PAGE_DIRECTION_NAMES[page.direction])
        # Regions first so that renamed IDs are known when the order refers to them.
        body = etree.Element(q("Body"))
        for region in page.regions:
            self.region(body, region)
        self.reading_order(page_el)
        page_el.extend(list(body))
        return root.getroottree()


def _lines_box(region: Region) -> Points:
    box = region.box()
    return box.corners() if box else ()


def write_page(page: Page) -> etree._ElementTree:
    """Serialise a Page to a PAGE-XML 2019 tree (see :func:`layout.xmlio.to_bytes`)."""
    return _Writer(page).build()
