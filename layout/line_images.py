"""Cut text lines out of a page, straightened along their baselines, and map back.

A line image is sampled along the baseline, one column per pixel of arc
length, with half a line height of room before and after: column ``u`` holds
the page pixels on the baseline's normal at ``u``, from ``above`` pixels above
the baseline to ``below`` pixels below it. Curved
and sloping lines come out straight; pixels outside the line's polygon are
filled with the paper's grey so that neighbouring lines do not intrude.

The band is first taken generously (polygons, ours and ground truth's alike,
often clip ascenders and descenders), then trimmed to the rows that hold the
line's ink with a small margin, the way recognition ground truth is cut (tight
to the ink, a few pixels of paper above and below). A recogniser then sees its
letters at the scale it learned, whichever segmenter drew the polygon.

The :class:`LineGeometry` kept with each image maps any x range of the line
image back to a quadrilateral on the page, which is how recognised characters
and words get their page coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from layout.document import TextLine
from layout.geometry import Points, bounding_box

# Share of the line's height above the baseline assumed when only a polygon is known.
ASCENT_SHARE = 0.75
# Paper added before and after the line, as a share of its height: CTC models read
# the first and last letters better with some room around them.
PAD_SHARE = 0.5
MIN_HEIGHT = 4
# How far the sampled band reaches beyond the polygon's, above and below the baseline.
GROW_ABOVE = 1.3
GROW_BELOW = 1.7
# Paper kept above and below the ink after trimming, as a share of the ink's height.
MARGIN_SHARE = 0.04
# A row holds ink when at least this many of its pixels are ink.
MIN_ROW_INK = 2
# Least contrast (grey levels) for a cut to be trimmed at all.
MIN_CONTRAST = 40
# Page pixels drawn around the band when masking a line by its polygon (growth + rounding).
MASK_ROOM = 4


@dataclass(frozen=True, slots=True)
class LineGeometry:
    """Baseline samples, their unit normals (pointing down the page) and the band height."""

    points: np.ndarray  # (L, 2) page coordinates, one per line-image column
    normals: np.ndarray  # (L, 2)
    above: float
    below: float
    pad: int = 0  # columns of room before the baseline's start (and after its end)

    @property
    def width(self) -> int:
        """Columns of the line image."""
        return len(self.points)

    def page_point(self, u: float, v: float) -> tuple[float, float]:
        """Page coordinates of line-image column ``u`` at ``v`` pixels below the baseline."""
        i = min(max(u, 0.0), self.width - 1.0)
        lo = math.floor(i)
        hi = min(lo + 1, self.width - 1)
        t = i - lo
        base = self.points[lo] * (1 - t) + self.points[hi] * t
        normal = self.normals[lo] * (1 - t) + self.normals[hi] * t
        x, y = base + v * normal
        return float(x), float(y)

    def span_polygon(self, x0: float, x1: float) -> Points:
        """The page quadrilateral covering line-image columns ``x0``..``x1``, full height."""
        top, bottom = -self.above, self.below
        return (
            self.page_point(x0, top),
            self.page_point(x1, top),
            self.page_point(x1, bottom),
            self.page_point(x0, bottom),
        )


def baseline_of(line: TextLine) -> Points:
    """The line's baseline, or one derived from its polygon's box (left to right)."""
    if line.baseline and len(line.baseline) >= 2:
        return line.baseline
    box = bounding_box(line.outline())
    y = box.y0 + ASCENT_SHARE * box.height
    return ((box.x0, y), (box.x1, y))


def _resample(polyline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points every pixel of arc length along the polyline, and unit normals there."""
    steps = np.diff(polyline, axis=0)
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    keep = np.concatenate(([True], lengths > 1e-6))
    polyline = polyline[keep]
    if len(polyline) < 2:
        polyline = np.array([polyline[0], polyline[0] + [1.0, 0.0]])
    steps = np.diff(polyline, axis=0)
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    arc = np.concatenate(([0.0], np.cumsum(lengths)))
    samples = np.arange(0.0, max(arc[-1], 1.0) + 1e-9, 1.0)
    xs = np.interp(samples, arc, polyline[:, 0])
    ys = np.interp(samples, arc, polyline[:, 1])
    segment = np.clip(np.searchsorted(arc, samples, side="right") - 1, 0, len(steps) - 1)
    tangent = steps[segment] / lengths[segment, None]
    normals = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)  # 90° clockwise: down the page
    return np.stack([xs, ys], axis=1), normals


def _band(points: np.ndarray, normals: np.ndarray, polygon: Points) -> tuple[float, float]:
    """Heights above and below the baseline that the polygon reaches (robustly)."""
    if len(polygon) < 3:
        return 20.0, 5.0
    poly = np.asarray(polygon, dtype=np.float64)
    nearest = np.argmin(
        np.hypot(poly[:, None, 0] - points[None, :, 0], poly[:, None, 1] - points[None, :, 1]),
        axis=1,
    )
    offsets = np.einsum("ij,ij->i", poly - points[nearest], normals[nearest])
    above = float(np.percentile(-offsets[offsets < 0], 90)) if (offsets < 0).any() else 0.0
    below = float(np.percentile(offsets[offsets > 0], 90)) if (offsets > 0).any() else 0.0
    if above < MIN_HEIGHT:
        above = max(MIN_HEIGHT, 3.0 * below)
    return above, max(below, 0.25 * above)


def line_geometry(line: TextLine, step: int = 1) -> LineGeometry:
    """The sampling geometry of a line (see the module docstring)."""
    baseline = np.asarray(baseline_of(line), dtype=np.float64)
    if baseline[-1, 0] < baseline[0, 0] and abs(baseline[-1, 0] - baseline[0, 0]) > abs(
        baseline[-1, 1] - baseline[0, 1]
    ):
        baseline = baseline[::-1]  # always sample left to right on the page
    points, normals = _resample(baseline)
    above, below = _band(points, normals, line.outline())
    pad = round(PAD_SHARE * (above + below))
    points, normals = _extend(points, normals, pad)
    return LineGeometry(points[::step], normals[::step], above, below, pad // step)


def _extend(points: np.ndarray, normals: np.ndarray, pad: int) -> tuple[np.ndarray, np.ndarray]:
    """Continue the sampled baseline straight on for ``pad`` pixels at both ends."""
    if pad <= 0:
        return points, normals
    steps = np.arange(pad, 0, -1, dtype=np.float64)[:, None]
    start_dir = np.array([normals[0, 1], -normals[0, 0]])  # tangent from the normal
    end_dir = np.array([normals[-1, 1], -normals[-1, 0]])
    head = points[0] - steps * start_dir
    tail = points[-1] + steps[::-1] * end_dir
    return (
        np.concatenate([head, points, tail]),
        np.concatenate([np.repeat(normals[:1], pad, 0), normals, np.repeat(normals[-1:], pad, 0)]),
    )


def _band_maps(geometry: LineGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Page x and y (float32) of every pixel of the band: one row per pixel, above to below."""
    rows = np.arange(-geometry.above, geometry.below + 1e-9, 1.0, dtype=np.float64)
    map_x = geometry.points[None, :, 0] + rows[:, None] * geometry.normals[None, :, 0]
    map_y = geometry.points[None, :, 1] + rows[:, None] * geometry.normals[None, :, 1]
    return map_x.astype(np.float32), map_y.astype(np.float32)


def _sample(page: np.ndarray, maps: tuple[np.ndarray, np.ndarray], fill: int,
            interpolation: int) -> np.ndarray:  # fmt: skip
    """The page sampled at the band's coordinates, ``fill`` outside the page."""
    return cv2.remap(page, maps[0], maps[1], interpolation, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=(fill,))  # fmt: skip


def _inside(outline: Points, maps: tuple[np.ndarray, np.ndarray],
            shape: tuple[int, ...]) -> np.ndarray:  # fmt: skip
    """Which band pixels lie in the polygon grown by 2 pixels (1) or not (0).

    The polygon is drawn only in the page window the band covers (with room
    for the growth), not over the whole page: this runs for every line.
    """
    map_x, map_y = maps
    # An even offset keeps the nearest-pixel rounding of half-way coordinates (to even).
    x0 = max(int(map_x.min()) - MASK_ROOM, 0) & ~1
    y0 = max(int(map_y.min()) - MASK_ROOM, 0) & ~1
    x1 = min(int(np.ceil(map_x.max())) + MASK_ROOM, shape[1])
    y1 = min(int(np.ceil(map_y.max())) + MASK_ROOM, shape[0])
    if x1 <= x0 or y1 <= y0:
        return np.zeros(map_x.shape, np.uint8)
    window = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(window, [np.round(np.asarray(outline)).astype(np.int32)], 1, offset=(-x0, -y0))
    grown = cv2.dilate(window, np.ones((5, 5), np.uint8))
    return _sample(grown, (map_x - x0, map_y - y0), 0, cv2.INTER_NEAREST)


def _ink_rows(image: np.ndarray) -> tuple[int, int] | None:
    """First and last row of the line's ink, or None for a cut without clear ink.

    Ink is what Otsu's threshold sets apart from the paper. The line's core is
    the run of rows densest in ink; from there the ink reaches up and down
    through rows that hold some, across gaps of blank rows up to a tenth of the
    cut's height (i-dots, umlauts and accents sit apart from their letters).
    """
    if image.size == 0 or int(image.max()) - int(image.min()) < MIN_CONTRAST:
        return None
    _, ink = cv2.threshold(image, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    counts = ink.sum(axis=1)
    core = np.flatnonzero(counts >= 0.35 * counts.max())
    inked = counts >= MIN_ROW_INK
    gap = max(2, round(0.1 * len(counts)))
    return _reach(inked, int(core[0]), -1, gap), _reach(inked, int(core[-1]), 1, gap)


def _reach(inked: np.ndarray, start: int, step: int, gap: int) -> int:
    """The last inked row walking from ``start`` by ``step``, across at most ``gap`` blanks."""
    reach, blank, row = start, 0, start
    while 0 <= row < len(inked) and blank <= gap:
        blank = 0 if inked[row] else blank + 1
        reach = row if inked[row] else reach
        row += step
    return reach


def _trimmed(image: np.ndarray, geometry: LineGeometry) -> tuple[np.ndarray, LineGeometry]:
    """The cut narrowed to its ink rows plus margin, and the geometry of what is left."""
    found = _ink_rows(image)
    if found is None:
        return image, geometry
    top, bottom = found
    margin = max(2, round(MARGIN_SHARE * (bottom - top + 1)))
    top, bottom = max(0, top - margin), min(image.shape[0] - 1, bottom + margin)
    above = geometry.above - top  # row r lies r - above pixels below the baseline
    below = bottom - geometry.above
    return image[top : bottom + 1], replace(geometry, above=above, below=below)


def paper_grey(page: np.ndarray) -> int:
    """The page's paper grey (its median): what a cut is filled with outside the line.

    Reckon it once per page and pass it to :func:`extract_line` for every line.
    """
    return int(np.median(page))


def extract_line(
    page: np.ndarray, line: TextLine, paper: int | None = None
) -> tuple[np.ndarray, LineGeometry]:
    """The straightened line image (uint8, page's grey), trimmed to its ink, and its geometry.

    ``paper`` fills what lies outside the line's polygon; by default the
    page's :func:`paper_grey`, reckoned anew on each call.
    """
    estimate = line_geometry(line)
    band = replace(estimate, above=GROW_ABOVE * estimate.above, below=GROW_BELOW * estimate.below)
    fill = paper_grey(page) if paper is None else paper
    maps = _band_maps(band)
    image = _sample(page, maps, fill, cv2.INTER_LINEAR)
    outline = line.outline()
    if len(outline) >= 3:
        image = np.where(_inside(outline, maps, page.shape) > 0, image, fill).astype(np.uint8)
    return _trimmed(image, band)
