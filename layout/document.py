"""The in-memory page document: one model, with PAGE-XML and ALTO as its two views.

A :class:`Page` holds regions; a text :class:`Region` holds :class:`TextLine`
objects with polygon, baseline, text and confidence; a line may hold
:class:`Word` objects, and a word :class:`Glyph` objects. ``TextLine.text`` is
the line's authoritative text; words carry positions and confidences.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from layout.geometry import Box, Points, bounding_box
from layout.provenance import PageMetadata

Direction = Literal["ltr", "rtl", "ttb", "btt"]
# Assumed x-height, in pixels, of a line known only by its baseline.
FALLBACK_LINE_HEIGHT = 20.0

RegionKind = Literal[
    "text", "image", "graphic", "separator", "table", "chart", "maths", "music", "noise", "unknown"
]


@dataclass(slots=True)
class Glyph:
    """One grapheme with its outline and confidence."""

    text: str
    polygon: Points = ()
    confidence: float | None = None
    id: str | None = None


@dataclass(slots=True)
class Word:
    """A word: text, outline, confidence and optionally its glyphs."""

    text: str
    polygon: Points = ()
    confidence: float | None = None
    glyphs: list[Glyph] = field(default_factory=list)
    id: str | None = None

    def box(self) -> Box | None:
        """The word's bounding box, or None without geometry."""
        return bounding_box(self.polygon) if self.polygon else None


@dataclass(slots=True)
class TextLine:
    """A text line: outline, baseline, text in logical order and reading direction."""

    id: str
    polygon: Points = ()
    baseline: Points | None = None
    text: str = ""
    confidence: float | None = None
    words: list[Word] = field(default_factory=list)
    direction: Direction = "ltr"
    type: str | None = None

    def box(self) -> Box | None:
        """Bounding box of the outline, or of the baseline when there is no outline."""
        points = self.polygon or self.baseline or ()
        return bounding_box(points) if points else None

    def outline(self) -> Points:
        """The polygon, or else a box over the baseline or the words; () without geometry.

        The baseline box reaches :data:`FALLBACK_LINE_HEIGHT` above the baseline
        and a quarter of that below it, for descenders.
        """
        if len(self.polygon) >= 3:
            return self.polygon
        if self.baseline:
            b = bounding_box(self.baseline)
            h = FALLBACK_LINE_HEIGHT
            return Box(b.x0, b.y0 - h, b.x1, b.y1 + h / 4).corners()
        points = [p for w in self.words for p in w.polygon]
        return bounding_box(points).corners() if points else self.polygon


@dataclass(slots=True)
class Region:
    """A page region. Text regions hold lines; others only an outline.

    ``type`` is the region's role, e.g. PAGE's ``paragraph`` or ``marginalia``,
    or a SegmOnto zone such as ``MainZone`` from eScriptorium.
    """

    id: str
    polygon: Points = ()
    kind: RegionKind = "text"
    type: str | None = None
    lines: list[TextLine] = field(default_factory=list)
    direction: Direction = "ltr"

    def box(self) -> Box | None:
        """Bounding box of the outline, or of the lines when there is no outline."""
        if self.polygon:
            return bounding_box(self.polygon)
        points = [p for line in self.lines for p in (line.polygon or line.baseline or ())]
        return bounding_box(points) if points else None


@dataclass(slots=True)
class Page:
    """One page image and everything found on it.

    ``reading_order`` lists region IDs as the source gave them; use
    :meth:`ordered_regions` for the effective order, which appends regions the
    list leaves out in document order and ignores references that do not resolve.
    """

    image_filename: str
    width: int
    height: int
    dpi: tuple[float, float] | None = None
    regions: list[Region] = field(default_factory=list)
    reading_order: list[str] = field(default_factory=list)
    direction: Direction = "ltr"
    id: str | None = None
    metadata: PageMetadata = field(default_factory=PageMetadata)

    def text_regions(self) -> list[Region]:
        """Text regions in document order."""
        return [r for r in self.regions if r.kind == "text"]

    def ordered_regions(self) -> list[Region]:
        """All regions in effective reading order."""
        by_id = {r.id: r for r in self.regions}
        seen: set[str] = set()
        ordered: list[Region] = []
        for rid in self.reading_order:
            if rid in by_id and rid not in seen:
                seen.add(rid)
                ordered.append(by_id[rid])
        ordered.extend(r for r in self.regions if r.id not in seen)
        return ordered

    def lines(self) -> Iterator[TextLine]:
        """Every text line in reading order."""
        for region in self.ordered_regions():
            yield from region.lines

    def text(self) -> str:
        """The page's text in reading order, one line per text line."""
        return "\n".join(line.text for line in self.lines())
