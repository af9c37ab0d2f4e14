"""Classical text-line segmentation of a binarized, deskewed page, without a model.

1. Text-sized connected components give the typical letter height ``h``.
2. Columns are the runs of the page's column ink profile between gaps at
   least ``2h`` wide (smoothed over ``h``); each column is a text region.
3. In a column, the row ink profile smoothed over about ``h/2`` has one peak
   per text line; lines are cut at the valleys between peaks.
4. Every component is given to the band holding its vertical centre; a band
   splits where its components leave a gap of over four letter heights (a
   marginal number beside a line); specks alone, and groups far taller than
   wide (rules, page edges), are no line. A line's
   polygon follows its components (top and bottom envelopes over bins three
   letters wide, with a margin); its baseline is the median bottom of its components (most letters
   stand on the baseline), drawn across it.

Reading order: regions left to right (right to left for ``rtl`` pages),
lines top to bottom. Nothing is dropped: a band with ink always becomes a line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks

from layout.document import Direction, Page, Region, TextLine
from layout.geometry import Box, Points, bounding_box
from layout.images.binarize import INK

BIN_LETTERS = 3.0  # envelope bins, in letter heights
MARGIN_LETTERS = 0.3  # room left around the ink, in letter heights
MIN_ASPECT = 0.4  # a line is at least this wide for its height (a lone digit passes)


@dataclass(frozen=True, slots=True)
class Components:
    """Text-sized ink components as boxes (x0, y0, x1, y1), and the typical letter height."""

    boxes: np.ndarray
    letter_height: float


def components(binary: np.ndarray) -> Components:
    """Text-sized ink components (larger ones, such as pictures, are left out)."""
    ink = (binary == INK).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    sized = h[(h >= 4) & (w >= 2)]
    letter = float(np.median(sized)) if len(sized) else 10.0
    keep = (h >= 0.3 * letter) & (h <= 4 * letter) & (w <= 15 * letter) & (w * h >= 6)
    boxes = np.stack([x, y, x + w, y + h], axis=1)[keep] if count > 1 else np.zeros((0, 4))
    return Components(boxes.astype(np.float64), letter)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def columns(comp: Components, width: int) -> list[tuple[int, int]]:
    """X ranges of text columns: ink separated by gaps of at least two letter heights."""
    profile = np.zeros(width)
    for x0, _, x1, _ in comp.boxes.astype(int):
        profile[x0:x1] += 1
    busy = gaussian_filter1d(profile, comp.letter_height) > 0.05 * max(profile.max(), 1)
    runs = _runs(busy)
    merged: list[tuple[int, int]] = []
    for start, stop in runs:
        if merged and start - merged[-1][1] < 2 * comp.letter_height:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def _line_bands(boxes: np.ndarray, height: int, letter: float) -> list[tuple[int, int]]:
    """Y ranges of text lines in one column, cut at the valleys of the row profile."""
    profile = np.zeros(height)
    for x0, y0, x1, y1 in boxes.astype(int):
        profile[y0:y1] += x1 - x0
    smooth = gaussian_filter1d(profile, max(letter / 2, 1.0))
    peaks, _ = find_peaks(smooth, distance=max(int(letter * 0.8), 1),
                          prominence=0.1 * smooth.max() if smooth.max() else None)  # fmt: skip
    if len(peaks) == 0:
        return []
    cuts = [0]
    for a, b in itertools.pairwise(peaks):
        cuts.append(int(a + np.argmin(smooth[a:b])))
    cuts.append(height)
    return list(itertools.pairwise(cuts))


def _clusters(members: np.ndarray, letter: float) -> list[np.ndarray]:
    """Split a band's components where the horizontal gap exceeds four letter heights.

    Specks (no component at least 0.6 letter heights tall) are not lines.
    """
    ordered = members[np.argsort(members[:, 0])]
    reach = np.maximum.accumulate(ordered[:, 2])
    breaks = np.flatnonzero(ordered[1:, 0] - reach[:-1] > 8 * letter) + 1
    groups = np.split(ordered, breaks)
    return [g for g in groups if (g[:, 3] - g[:, 1]).max() >= 0.6 * letter and _line_shaped(g)]


def _line_shaped(group: np.ndarray) -> bool:
    """Text runs along the line: a group far taller than wide (a rule, a page edge) is none."""
    width = group[:, 2].max() - group[:, 0].min()
    height = group[:, 3].max() - group[:, 1].min()
    return bool(width >= MIN_ASPECT * height)


def _envelope(members: np.ndarray, letter: float) -> Points:
    """A polygon hugging the components: top and bottom envelopes over bins of one letter."""
    x0, x1 = members[:, 0].min(), members[:, 2].max()
    step = max(BIN_LETTERS * letter, 4.0)
    margin = MARGIN_LETTERS * letter
    edges = np.arange(x0, x1 + step, step)
    tops, bottoms, xs = [], [], []
    for a, b in itertools.pairwise(edges):
        hit = members[(members[:, 0] < b) & (members[:, 2] > a)]
        if len(hit):
            xs.append((max(a, x0), min(b, x1)))
            tops.append(hit[:, 1].min() - margin)
            bottoms.append(hit[:, 3].max() + margin)
    upper = [(x, t) for (a, b), t in zip(xs, tops, strict=True) for x in (a, b)]
    lower = [(x, t) for (a, b), t in zip(xs, bottoms, strict=True) for x in (a, b)][::-1]
    return tuple((float(x), float(y)) for x, y in upper + lower)


def _line(ident: str, members: np.ndarray, letter: float) -> TextLine:
    box = Box(*members[:, 0:2].min(axis=0), *members[:, 2:4].max(axis=0))
    baseline_y = float(np.median(members[:, 3]))
    return TextLine(
        id=ident,
        polygon=_envelope(members, letter),
        baseline=((box.x0, baseline_y), (box.x1, baseline_y)),
    )


def segment(
    binary: np.ndarray,
    image_filename: str = "",
    direction: Direction = "ltr",
    page_mask: np.ndarray | None = None,
) -> Page:
    """A page of text regions (columns) and lines found in a binarized, deskewed page.

    Ink outside ``page_mask`` (the page area, when a scan has a surround) is ignored.
    """
    height, width = binary.shape
    if page_mask is not None:
        binary = np.where(page_mask, binary, 255 - INK).astype(np.uint8)
    comp = components(binary)
    regions: list[Region] = []
    spans = columns(comp, width)
    if direction == "rtl":
        spans = spans[::-1]
    for r, (x0, x1) in enumerate(spans):
        centres_x = (comp.boxes[:, 0] + comp.boxes[:, 2]) / 2
        inside = comp.boxes[(centres_x >= x0) & (centres_x < x1)]
        centres_y = (inside[:, 1] + inside[:, 3]) / 2
        lines: list[TextLine] = []
        for y0, y1 in _line_bands(inside, height, comp.letter_height):
            members = inside[(centres_y >= y0) & (centres_y < y1)]
            if len(members):
                for cluster in _clusters(members, comp.letter_height):
                    lines.append(_line(f"r{r}_l{len(lines)}", cluster, comp.letter_height))
        if lines:
            box = bounding_box([p for line in lines for p in line.polygon])
            regions.append(Region(f"r{r}", box.corners(), "text", "paragraph", lines, direction))
    return Page(
        image_filename,
        width,
        height,
        regions=regions,
        reading_order=[r.id for r in regions],
        direction=direction,
    )
