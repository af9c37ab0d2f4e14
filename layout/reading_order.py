"""Regions and reading order from detected lines.

Lines that overlap horizontally and follow each other within a few line
pitches form a block (a line less than half as wide as the other only from
within its width: a margin note that text lines reach into stays apart). A
block much narrower than a neighbouring block that it sits beside (outside the
columns of that block's lines at its height, overlapping them vertically) is
``marginalia``; the others are ``paragraph``. Running titles, page numbers,
catchwords and signature marks are found first (:mod:`layout.page_furniture`)
and kept out of the blocks.

Reading order: main blocks by column — blocks are grouped into columns by
horizontal overlap, columns that stand side by side read left to right (right
to left on ``rtl`` pages), blocks in a column top to bottom. A column below
another, sharing less than half of the shorter one's height (a scrap of text
under the body at the foot of the page), is read after it, whatever its side.
Each marginal block comes right after the main block it stands beside, the
furniture above the text first and below it last. Lines in a block read top
to bottom.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from layout.document import Direction, Region, TextLine
from layout.geometry import Box, bounding_box
from layout.page_furniture import BOTTOM_TYPES, TOP_TYPES, find_furniture

MARGINAL_WIDTH = 0.5  # a marginal block is at most this share of its neighbour's width
FOLLOW_PITCHES = 2.5  # lines of one block are at most this many line heights apart
SIDE_BY_SIDE = 0.5  # columns side by side share this much of the shorter one's height


def _box(line: TextLine) -> Box:
    return bounding_box(line.outline() or line.baseline or ((0.0, 0.0),))


def _boxes(boxes: Sequence[Box]) -> np.ndarray:
    return np.array([[b.x0, b.y0, b.x1, b.y1] for b in boxes], np.float64).reshape(-1, 4)


def _overlaps(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise horizontal overlap (share of the narrower box) and vertical overlap (pixels)."""
    x = np.clip(np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0]),
                0, None)  # fmt: skip
    widths = b[:, 2] - b[:, 0]
    x = x / np.maximum(np.minimum(widths[:, None], widths[None, :]), 1.0)
    y = np.clip(np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1]),
                0, None)  # fmt: skip
    return x, y


def _comparable(widths: np.ndarray) -> np.ndarray:
    """Pairs of boxes of which neither is a marginal note's width beside the other."""
    narrower = np.minimum(widths[:, None], widths[None, :])
    return np.asarray(narrower > MARGINAL_WIDTH * np.maximum(widths[:, None], widths[None, :]))


def _spanning(
    x: np.ndarray, y: np.ndarray, widths: np.ndarray, near: np.ndarray | None = None
) -> np.ndarray:
    """Boxes over two others that stand side by side (a heading over two columns).

    With ``near`` (which boxes follow which in a column), a side-by-side pair
    counts only where the boxes above or below them stand side by side too:
    columns are at least two lines tall on both sides. A line split at a wide
    word gap, or a short answer set beside a verse, is no column layout; nor
    is a line beside a box less than :data:`MARGINAL_WIDTH` of its width (a
    marginal note, which text lines above it may reach into).
    """
    over = x >= 0.3
    np.fill_diagonal(over, False)
    beside = (y > 0) & ~over & _comparable(widths)
    np.fill_diagonal(beside, False)
    if near is not None:
        n = near.astype(np.int64)
        beside &= (n @ beside.astype(np.int64) @ n) > 0
    reach = over.astype(np.int64) @ beside.astype(np.int64)
    return np.asarray(((reach > 0) & over).any(axis=1))


def _blocks(lines: Sequence[TextLine]) -> list[list[int]]:
    """Groups of line indices: overlapping columns, near each other vertically.

    A line spanning two columns of side-by-side lines (a heading over them)
    joins only lines that span as well, so it cannot chain the columns into
    one block.
    """
    b = _boxes([_box(line) for line in lines])
    pitch = float(np.median(b[:, 3] - b[:, 1])) if len(b) else 1.0
    x, y = _overlaps(b)
    _, y_gap = _overlaps(b + np.array([0.0, -FOLLOW_PITCHES * pitch, 0.0, 0.0]))
    widths = b[:, 2] - b[:, 0]
    # A line much narrower than its neighbour follows it only from within its
    # width (a paragraph's short last line); one that sticks out is a margin note.
    follows = (x >= np.where(_comparable(widths), 0.3, 0.7)) & (y_gap > 0)
    near = follows & (y <= 0)
    spanning = _spanning(x, y, widths, near | near.T)
    linked = follows & (spanning[:, None] == spanning[None, :])
    count, labels = connected_components(coo_matrix(linked), directed=False)
    return [list(np.flatnonzero(labels == k)) for k in range(count)]


def _host(box: Box, lines_of: list[list[Box]], index: int) -> int | None:
    """The nearest wider block this one stands beside, if it is a marginal block.

    Beside means beside the other block's lines at the same height: a heading
    that reaches over the margin above a note does not make the note part of
    the text.
    """
    best, best_gap = None, np.inf
    for k, others in enumerate(lines_of):
        level = [o for o in others if min(box.y1, o.y1) - max(box.y0, o.y0) > 0]
        if k == index or not level:
            continue
        x0, x1 = min(o.x0 for o in level), max(o.x1 for o in level)
        width = x1 - x0
        if (box.x1 - box.x0) > MARGINAL_WIDTH * width:
            continue
        gap = max(x0 - box.x1, box.x0 - x1)
        if gap >= -0.05 * width and gap < best_gap:
            best, best_gap = k, gap
    return best


def _columns(indices: list[int], boxes: list[Box], direction: Direction) -> list[int]:
    """Main blocks in reading order.

    Blocks spanning side-by-side blocks (headings over columns) cut the page
    into bands; in each band, columns are read across the page and each
    column top to bottom.
    """
    if not indices:
        return []
    b = _boxes([boxes[k] for k in indices])
    x, y = _overlaps(b)
    spanning = _spanning(x, y, b[:, 2] - b[:, 0])
    cuts = sorted(float(b[i, 1]) for i in np.flatnonzero(spanning))
    bands: dict[int, list[int]] = {}
    for i in range(len(indices)):
        centre = (b[i, 1] + b[i, 3]) / 2 if not spanning[i] else b[i, 1]
        band = int(np.searchsorted(cuts, centre, side="right"))
        bands.setdefault(band, []).append(i)
    order: list[int] = []
    for band in sorted(bands):
        members = bands[band]
        order += [indices[i] for i in members if spanning[i]]
        columns: list[list[int]] = []
        for i in sorted((i for i in members if not spanning[i]), key=lambda i: b[i, 0]):
            for column in columns:
                if any(x[i, m] >= 0.3 for m in column):
                    column.append(i)
                    break
            else:
                columns.append([i])
        for row in _rows(columns, b):
            row.sort(key=lambda c: min(b[i, 0] for i in c), reverse=direction == "rtl")
            order += [indices[i] for c in row for i in sorted(c, key=lambda i: b[i, 1])]
    return order


def _rows(columns: list[list[int]], b: np.ndarray) -> list[list[list[int]]]:
    """Columns grouped by standing side by side, the groups top to bottom.

    Two columns stand side by side when their heights overlap by at least
    :data:`SIDE_BY_SIDE` of the shorter one's: a line that only reaches the
    height of another column's last line is below it, not beside it.
    """
    spans = np.array([[b[c, 1].min(), b[c, 3].max()] for c in columns]).reshape(-1, 2)
    shared = np.clip(np.minimum(spans[:, None, 1], spans[None, :, 1])
                     - np.maximum(spans[:, None, 0], spans[None, :, 0]), 0, None)  # fmt: skip
    heights = spans[:, 1] - spans[:, 0]
    shorter = np.maximum(np.minimum(heights[:, None], heights[None, :]), 1.0)
    beside = shared >= SIDE_BY_SIDE * shorter
    count, labels = connected_components(coo_matrix(beside), directed=False)
    rows = [[columns[i] for i in np.flatnonzero(labels == k)] for k in range(count)]
    return sorted(rows, key=lambda row: min(b[i, 1] for c in row for i in c))


def build_regions(lines: Sequence[TextLine], direction: Direction = "ltr") -> list[Region]:
    """Text regions holding every line once, in reading order.

    Page furniture (:mod:`layout.page_furniture`) gets a region of its own
    type per line: the top row's first, the bottom row's last, across the page
    in reading direction.
    """
    boxes_of = [_box(line) for line in lines]
    furniture = find_furniture([(b.x0, b.y0, b.x1, b.y1) for b in boxes_of])
    body = [i for i in range(len(lines)) if i not in furniture]
    groups = [[body[j] for j in g] for g in _blocks([lines[i] for i in body])]
    boxes = [bounding_box([p for i in g for p in lines[i].outline()]) for g in groups]
    lines_of = [[boxes_of[i] for i in g] for g in groups]
    hosts = {k: _host(boxes[k], lines_of, k) for k in range(len(groups))}
    main = [k for k, host in hosts.items() if host is None]
    order: list[int] = []
    for k in _columns(main, boxes, direction):
        order.append(k)
        order += sorted((m for m, h in hosts.items() if h == k), key=lambda m: boxes[m].y0)
    order += [k for k in range(len(groups)) if k not in order]  # hosts that are marginal too
    blocks = [(groups[k], "paragraph" if hosts[k] is None else "marginalia") for k in order]

    def across(kinds: tuple[str, ...]) -> list[tuple[list[int], str]]:
        row = sorted((i for i, kind in furniture.items() if kind in kinds),
                     key=lambda i: boxes_of[i].x0, reverse=direction == "rtl")  # fmt: skip
        return [([i], furniture[i]) for i in row]

    regions = []
    for n, (members, kind) in enumerate([*across(TOP_TYPES), *blocks, *across(BOTTOM_TYPES)]):
        ordered = [lines[i] for i in sorted(members, key=lambda i: boxes_of[i].y0)]
        for m, line in enumerate(ordered):
            line.id = f"r{n}_l{m}"
            line.direction = direction
        outline = bounding_box([p for line in ordered for p in line.outline()])
        regions.append(Region(f"r{n}", outline.corners(), "text", kind, ordered, direction))
    return regions
