"""Semantic checks on a page that the XML schemas cannot express.

Each problem is one readable sentence naming the element: coordinates outside
the page, confidences outside [0, 1], duplicate IDs, reading-order references
that do not resolve to a region, lines without geometry, and text whose
script runs against the line's declared direction.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator

from layout.document import Page, TextLine
from layout.geometry import Points

_RTL_CLASSES = frozenset({"R", "AL"})


def _outside(points: Points | None, page: Page) -> bool:
    return any(not (0 <= x <= page.width and 0 <= y <= page.height) for x, y in points or ())


def _bad_confidence(value: float | None) -> bool:
    return value is not None and not 0.0 <= value <= 1.0


def text_direction(text: str) -> str | None:
    """``rtl`` or ``ltr`` by the majority of strongly directional characters; None if none."""
    counts = Counter(unicodedata.bidirectional(c) for c in text)
    rtl = sum(counts[c] for c in _RTL_CLASSES)
    ltr = counts["L"]
    if rtl == ltr == 0:
        return None
    return "rtl" if rtl > ltr else "ltr"


def _line_problems(line: TextLine, page: Page) -> Iterator[str]:
    where = f"line {line.id}"
    if len(line.polygon) < 3 and not line.baseline:
        yield f"{where}: no geometry (neither a polygon of 3+ points nor a baseline)"
    if _outside(line.polygon, page) or _outside(line.baseline, page):
        yield f"{where}: coordinates outside the page {page.width}x{page.height}"
    if _bad_confidence(line.confidence):
        yield f"{where}: confidence {line.confidence} outside [0, 1]"
    actual = text_direction(line.text)
    if actual is not None and line.direction in ("ltr", "rtl") and actual != line.direction:
        yield f"{where}: text reads {actual} but the line is marked {line.direction}"
    for word in line.words:
        name = f"{where} word {word.id or word.text!r}"
        if _bad_confidence(word.confidence):
            yield f"{name}: confidence {word.confidence} outside [0, 1]"
        if _outside(word.polygon, page):
            yield f"{name}: coordinates outside the page"
        for glyph in word.glyphs:
            if _bad_confidence(glyph.confidence):
                yield f"{where} glyph {glyph.id or glyph.text!r}: confidence outside [0, 1]"


def _ids(page: Page) -> Iterator[str]:
    for region in page.regions:
        yield region.id
        for line in region.lines:
            yield line.id
            for word in line.words:
                if word.id:
                    yield word.id
                yield from (g.id for g in word.glyphs if g.id)


def page_problems(page: Page) -> list[str]:
    """Every semantic problem of the page, one sentence each; empty when sound."""
    problems: list[str] = []
    if page.width <= 0 or page.height <= 0:
        problems.append(f"page size {page.width}x{page.height} is not positive")
    for ident, count in Counter(_ids(page)).items():
        if count > 1:
            problems.append(f"id {ident!r} used {count} times")
    region_ids = {r.id for r in page.regions}
    problems.extend(
        f"reading order refers to {ref!r}, which is not a region of this page"
        for ref in page.reading_order
        if ref not in region_ids
    )
    for region in page.regions:
        if _outside(region.polygon, page):
            problems.append(f"region {region.id}: coordinates outside the page")
        for line in region.lines:
            problems.extend(_line_problems(line, page))
    return problems
