"""Write a Page as word-level ALTO 4.3 with polygons, baselines, tags and provenance.

Every text line becomes at least one ``String``: lines without words get word
boxes estimated from their text (:mod:`layout.words`), and lines without text
an empty ``String``, so no line is ever dropped. ``WC`` is a confidence in
[0, 1]; ``SP`` separates words; a line-final hyphen goes to ``HYP``;
right-to-left lines and blocks carry ``BASEDIRECTION="rtl"``.

A word broken over two lines of one block (a line-final hyphen, and the next
line starting with a lower-case letter) is marked as ALTO intends for search:
``SUBS_TYPE="HypPart1"`` on its first part and ``"HypPart2"`` on its second,
both with the whole word, punctuation trimmed, in ``SUBS_CONTENT``, so an
index finds "Verſammlung" in ``Ver-`` / ``ſammlung,``. A capital after the
hyphen (``Nord-`` / ``Amerika``) is taken for a hyphen that stays, and is
not joined.
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Literal

from lxml import etree

from layout.document import Page, Region, TextLine, Word
from layout.geometry import Points, bounding_box, is_box
from layout.words import estimate_words, words_match_text
from layout.xmlio.alto_metadata import write_description
from layout.xmlio.alto_vocab import (
    HYPHEN_TAG,
    HYPHENS,
    KIND_TAG_TYPE,
    LINE_TYPE_TAG,
    REGION_TYPE_TAG,
    block_element,
)
from layout.xmlio.common import format_confidence, pixel_points, word_outline
from layout.xmlio.ids import IdAllocator
from layout.xmlio.namespaces import ALTO_4, ALTO_SCHEMA_LOCATION, ALTO_VERSION, XLINK, XSI

Shape = Literal["always", "auto", "never"]


def q(tag: str) -> str:
    """Qualified ALTO v4 tag name."""
    return f"{{{ALTO_4}}}{tag}"


class _Writer:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.ids = IdAllocator()
        self.tags: dict[tuple[str, str], str] = {}

    def tag_ref(self, tag_type: str, label: str) -> str:
        key = (tag_type, label)
        if key not in self.tags:
            self.tags[key] = self.ids.fresh("tag")
        return self.tags[key]

    def place(self, el: etree._Element, points: Points, shape: Shape = "auto") -> None:
        """Set HPOS/VPOS/WIDTH/HEIGHT; add a Shape always, never, or unless it is a plain box."""
        pixels = pixel_points(points, self.page.width, self.page.height) if points else [(0, 0)]
        box = bounding_box([(float(x), float(y)) for x, y in pixels])
        el.set("HPOS", str(int(box.x0)))
        el.set("VPOS", str(int(box.y0)))
        el.set("WIDTH", str(int(box.width)))
        el.set("HEIGHT", str(int(box.height)))
        if shape == "never" or not points:
            return
        if shape == "always" or (
            len(pixels) >= 3 and not is_box([(float(x), float(y)) for x, y in pixels])
        ):
            shape_el = etree.SubElement(el, q("Shape"))
            etree.SubElement(shape_el, q("Polygon"), POINTS=" ".join(f"{x} {y}" for x, y in pixels))

    def string(self, parent: etree._Element, word: Word, text: str, outline: Points) -> None:
        el = etree.SubElement(parent, q("String"))
        if word.id is not None:
            el.set("ID", self.ids.take(word.id, "s"))
        self.place(el, word_outline(word, outline))
        el.set("CONTENT", text)
        if word.confidence is not None:
            el.set("WC", format_confidence(word.confidence))
        # ALTO's Glyph CONTENT holds exactly one code point; keep glyphs only then.
        if word.glyphs and all(len(g.text) == 1 for g in word.glyphs):
            for glyph in word.glyphs:
                g = etree.SubElement(el, q("Glyph"), CONTENT=glyph.text)
                if glyph.id is not None:
                    g.set("ID", self.ids.take(glyph.id, "g"))
                self.place(g, glyph.polygon or word_outline(word, outline))
                if glyph.confidence is not None:
                    g.set("GC", format_confidence(glyph.confidence))

    def line(self, parent: etree._Element, line: TextLine) -> None:
        el = etree.SubElement(parent, q("TextLine"), ID=self.ids.take(line.id, "l"))
        outline = line.outline()
        self.place(el, outline, shape="always")
        if line.baseline:
            pixels = pixel_points(line.baseline, self.page.width, self.page.height)
            el.set("BASELINE", " ".join(f"{x} {y}" for x, y in pixels))
        if line.type:
            el.set("TAGREFS", self.tag_ref(LINE_TYPE_TAG, line.type))
        if line.direction != "ltr":
            el.set("BASEDIRECTION", line.direction)
        words = line.words if words_match_text(line) else estimate_words(line)
        if not words:
            etree.SubElement(el, q("String"), CONTENT=line.text)
            self.place(el[-1], outline, shape="never")
            return
        for n, word in enumerate(words):
            text, hyphen = word.text, ""
            last = n == len(words) - 1
            if last and len(text) > 1 and text[-1] in HYPHENS:
                text, hyphen = text[:-1], text[-1]
            if n:
                self.space(el, words[n - 1], word, outline)
            self.string(el, word, text, outline)
            if hyphen:
                etree.SubElement(el, q(HYPHEN_TAG), CONTENT=hyphen)

    def space(self, parent: etree._Element, before: Word, after: Word, outline: Points) -> None:
        sp = etree.SubElement(parent, q("SP"))
        a = bounding_box(word_outline(before, outline) or outline)
        b = bounding_box(word_outline(after, outline) or outline)
        left, right = (a, b) if a.x0 <= b.x0 else (b, a)
        if right.x0 > left.x1:
            sp.set("HPOS", str(round(left.x1)))
            sp.set("VPOS", str(round(min(a.y0, b.y0))))
            sp.set("WIDTH", str(round(right.x0 - left.x1)))

    def block(self, parent: etree._Element, region: Region) -> None:
        el = etree.SubElement(
            parent, q(block_element(region.kind)), ID=self.ids.take(region.id, "r")
        )
        refs = []
        if region.kind not in ("text", "image"):
            refs.append(self.tag_ref(KIND_TAG_TYPE, region.kind))
        if region.type:
            refs.append(self.tag_ref(REGION_TYPE_TAG, region.type))
        box = region.box()
        self.place(el, region.polygon or (box.corners() if box else ()), shape="always")
        if refs:
            el.set("TAGREFS", " ".join(refs))
        if region.kind == "text":
            if region.direction != "ltr":
                el.set("BASEDIRECTION", region.direction)
            for line in region.lines:
                self.line(el, line)
            _mark_broken_words(el)

    def build(self) -> etree._ElementTree:
        page = self.page
        nsmap = {None: ALTO_4, "xsi": XSI, "xlink": XLINK}
        root = etree.Element(q("alto"), nsmap=nsmap)  # type: ignore[arg-type]
        root.set(f"{{{XSI}}}schemaLocation", ALTO_SCHEMA_LOCATION)
        root.set("SCHEMAVERSION", ALTO_VERSION)
        write_description(
            root, q, page.image_filename, page.metadata, lambda: self.ids.fresh("proc")
        )
        layout = etree.Element(q("Layout"))
        page_el = etree.SubElement(
            layout,
            q("Page"),
            ID=self.ids.take(page.id, "page"),
            PHYSICAL_IMG_NR="1",
            WIDTH=str(page.width),
            HEIGHT=str(page.height),
        )
        space = etree.SubElement(
            page_el, q("PrintSpace"), HPOS="0", VPOS="0", WIDTH=str(page.width),
            HEIGHT=str(page.height),
        )  # fmt: skip
        for region in page.regions:
            self.block(space, region)
        self._tags(root)
        self._reading_order(root)
        root.append(layout)
        return root.getroottree()

    def _tags(self, root: etree._Element) -> None:
        if not self.tags:
            return
        tags = etree.SubElement(root, q("Tags"))
        for (tag_type, label), tag_id in self.tags.items():
            etree.SubElement(
                tags, q("OtherTag"), ID=tag_id, TYPE=tag_type, LABEL=label,
                DESCRIPTION=f"{tag_type} {label}",
            )  # fmt: skip

    def _reading_order(self, root: etree._Element) -> None:
        regions = self.page.ordered_regions()
        if not regions:
            return
        order = etree.SubElement(root, q("ReadingOrder"))
        group = etree.SubElement(order, q("OrderedGroup"), ID=self.ids.fresh("ro"))
        for region in regions:
            etree.SubElement(
                group, q("ElementRef"), ID=self.ids.fresh("ro"), REF=self.ids.resolve(region.id)
            )


def _trimmed(text: str) -> str:
    """``text`` without the punctuation at either end (``„Ver`` → ``Ver``, ``ſammlung,``)."""
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(text[end - 1]).startswith("P"):
        end -= 1
    return text[start:end]


def _mark_broken_words(block: etree._Element) -> None:
    """Mark words broken over consecutive lines of a block (HypPart1, HypPart2)."""
    lines = block.findall(q("TextLine"))
    for line, following in itertools.pairwise(lines):
        if len(line) < 2 or line[-1].tag != q(HYPHEN_TAG) or line[-2].tag != q("String"):
            continue
        if line[-2].get("SUBS_TYPE"):  # a one-word line that ends a word already: keep that
            continue
        second = following.find(q("String"))
        if second is None:
            continue
        head, tail = _trimmed(line[-2].get("CONTENT", "")), _trimmed(second.get("CONTENT", ""))
        if not head or not tail[:1].islower():
            continue
        for part, kind in ((line[-2], "HypPart1"), (second, "HypPart2")):
            part.set("SUBS_TYPE", kind)
            part.set("SUBS_CONTENT", head + tail)


def write_alto(page: Page) -> etree._ElementTree:
    """Serialise a Page to an ALTO 4.3 tree (see :func:`layout.xmlio.to_bytes`)."""
    return _Writer(page).build()
