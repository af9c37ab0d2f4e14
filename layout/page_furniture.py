"""Page furniture: running titles, page numbers, catchwords and signature marks.

Printed books of 1500–1900 carry, besides their text, a row of furniture above
it (a running title with the page or folio number) and one below it (the
catchword, the first word of the next page, set at the right; the signature
mark of the gathering, set near the middle). Search indexers want them marked
(a catchword repeats the next page's first word), and readers want them out of
the text's flow. They are found from line boxes alone, in the top and bottom
rows of a page of at least :data:`MIN_LINES` lines:

- top row, when none of its lines is as wide as a line of text (a share
  :data:`FULL_WIDTH` of the text's width): a line at most :data:`NUMBER_WIDTH`
  line heights wide is a ``page-number``; where the row has one, its other
  lines standing clear of the text's left edge (by :data:`HEADER_INDENT`, more
  than a paragraph's indent) are the ``header`` (running title). A row without
  a number is left alone: a centred line at the top may be a chapter heading,
  and a manuscript's first line beside a folio number starts at the margin.
- bottom row: a line at most :data:`MARK_WIDTH` of the text's width is a
  ``catch-word`` when it ends at the text's right edge (past
  :data:`RIGHT_END` of its width), a ``signature-mark`` when it stands clear of
  the text's left edge; the short last line of a paragraph starts at that edge
  and stays text.

The types are PAGE's region types (ALTO gets them as block tags). Recognised
text refines a bottom-row mark later (:func:`refine_by_text`: a mark of
digits only is a page number at the foot of the page).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from layout.document import Page

MIN_LINES = 5  # pages with fewer lines have no furniture worth looking for
NUMBER_WIDTH = 4.0  # a page number is at most this many line heights wide
FULL_WIDTH = 0.8  # a running title is narrower than this share of the text's width
HEADER_INDENT = 0.12  # and starts this share of the width right of the text's left edge
MARK_WIDTH = 0.25  # catchwords and signature marks are at most this share of the width
RIGHT_END = 0.85  # a catchword ends past this share of the text's width
LEFT_CLEAR = 0.25  # a signature mark starts this share of the width right of the text

FurnitureType = str  # "header" | "page-number" | "catch-word" | "signature-mark"
TOP_TYPES = ("header", "page-number")
BOTTOM_TYPES = ("catch-word", "signature-mark")


def _row(boxes: np.ndarray, edge: int) -> np.ndarray:
    """Lines whose vertical centre lies within the top- (edge 0) or bottom-most line's extent."""
    centres = (boxes[:, 1] + boxes[:, 3]) / 2
    k = int(np.argmin(boxes[:, 1])) if edge == 0 else int(np.argmax(boxes[:, 3]))
    return np.flatnonzero((centres >= boxes[k, 1]) & (centres <= boxes[k, 3]))


def find_furniture(boxes: Sequence[tuple[float, float, float, float]]) -> dict[int, FurnitureType]:
    """Furniture type of each line found to be furniture, by index (x0, y0, x1, y1 boxes)."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    if len(b) < MIN_LINES:
        return {}
    height = float(np.median(b[:, 3] - b[:, 1]))
    top, bottom = _row(b, 0), _row(b, 1)
    if len(np.intersect1d(top, bottom)):
        return {}
    text = np.setdiff1d(np.arange(len(b)), np.concatenate([top, bottom]))
    left, right = np.percentile(b[text, 0], 10), np.percentile(b[text, 2], 90)
    width = max(right - left, height)
    found: dict[int, FurnitureType] = {}
    widths = b[:, 2] - b[:, 0]
    numbers = [int(i) for i in top if widths[i] <= NUMBER_WIDTH * height]
    if numbers and (widths[top] < FULL_WIDTH * width).all():  # no line of text in the row
        found |= dict.fromkeys(numbers, "page-number")
        for i in top:
            if int(i) not in found and b[i, 0] - left > HEADER_INDENT * width:
                found[int(i)] = "header"
    for i in bottom:
        x0, x1 = b[i, 0], b[i, 2]
        if x1 - x0 > MARK_WIDTH * width:
            continue
        if (x1 - left) / width > RIGHT_END:
            found[int(i)] = "catch-word"
        elif (x0 - left) / width > LEFT_CLEAR:
            found[int(i)] = "signature-mark"
    return found


def refine_by_text(page: Page) -> None:
    """Once read: a bottom-row mark reading as a number (digits, brackets) is a page number."""
    for region in page.text_regions():
        text = " ".join(line.text for line in region.lines).strip(" .,:;-–—()[]")
        if region.type in BOTTOM_TYPES and text.isdigit():
            region.type = "page-number"


ROLES = ("header", "page-number", "catch-word", "signature-mark", "marginalia")
ROLE_LABELS = {
    # PAGE region types
    "header": "header", "page-number": "page-number", "catch-word": "catch-word",
    "signature-mark": "signature-mark", "marginalia": "marginalia",
    # SegmOnto zones (eScriptorium, CREMMA), with or without the "Zone" suffix
    "RunningTitle": "header", "Numbering": "page-number", "QuireMarks": "signature-mark",
    "Signatures": "signature-mark", "MarginText": "marginalia", "Margin": "marginalia",
}  # fmt: skip


def role(label: str | None) -> str:
    """A region label of PAGE or SegmOnto as one of :data:`ROLES`, or ``text``."""
    name = (label or "").split(":", 1)[0].split("#", 1)[0]
    name = name.removesuffix("Zone")
    return ROLE_LABELS.get(name, "text")
