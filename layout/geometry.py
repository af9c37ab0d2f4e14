"""Plain geometry for page coordinates: points, boxes, polygons and polylines.

Coordinates are pixels of the page image, x to the right and y downwards, as
floats so that models may give sub-pixel positions; the XML writers round them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from shapely import make_valid
from shapely.geometry import Polygon as ShapelyPolygon

Point = tuple[float, float]
Points = tuple[Point, ...]

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle from (x0, y0) to (x1, y1), x1 >= x0 and y1 >= y0."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        """Horizontal extent."""
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        """Vertical extent."""
        return self.y1 - self.y0

    def corners(self) -> Points:
        """The four corners clockwise from the top left, as a polygon."""
        return ((self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1))

    @classmethod
    def from_xywh(cls, x: float, y: float, width: float, height: float) -> Box:
        """Build a box from a corner and a size, as ALTO gives them."""
        return cls(x, y, x + max(width, 0.0), y + max(height, 0.0))


def bounding_box(points: Sequence[Point]) -> Box:
    """The smallest box holding every point; raises ValueError on no points."""
    if not points:
        raise ValueError("no points to bound")
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def is_box(points: Sequence[Point]) -> bool:
    """Whether the polygon is exactly its own axis-aligned bounding box."""
    if len(points) != 4:
        return False
    return set(points) == set(bounding_box(points).corners())


def polygon_area(points: Sequence[Point]) -> float:
    """Absolute area by the shoelace formula (0 for fewer than 3 points)."""
    if len(points) < 3:
        return 0.0
    twice = 0.0
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        twice += x0 * y1 - x1 * y0
    return abs(twice) / 2.0


def to_shapely(points: Sequence[Point]) -> ShapelyPolygon:
    """A valid shapely polygon for possibly self-intersecting ground-truth outlines."""
    if len(points) < 3:
        return ShapelyPolygon()
    shape = ShapelyPolygon(points)
    return shape if shape.is_valid else make_valid(shape)


def iou(a: Sequence[Point], b: Sequence[Point]) -> float:
    """Intersection over union of two polygons (0 when either is degenerate)."""
    pa, pb = to_shapely(a), to_shapely(b)
    if pa.is_empty or pb.is_empty:
        return 0.0
    inter = pa.intersection(pb).area
    union = pa.area + pb.area - inter
    return float(inter / union) if union > 0 else 0.0


def parse_points(text: str) -> Points:
    """Parse a point list written as ``x,y x,y`` (PAGE) or ``x y x y`` (ALTO).

    Raises ValueError when the numbers do not pair up.
    """
    try:
        numbers = [float(n) for n in text.replace(",", " ").split()]
    except ValueError:  # stray characters between numbers: fall back to a scan
        numbers = [float(n) for n in _NUMBER.findall(text)]
    if len(numbers) % 2:
        raise ValueError(f"odd number of coordinates in point list {text[:60]!r}")
    return tuple(zip(numbers[0::2], numbers[1::2], strict=True))


def round_points(points: Iterable[Point]) -> list[tuple[int, int]]:
    """Round to whole pixels, dropping consecutive duplicates that rounding creates."""
    out: list[tuple[int, int]] = []
    for x, y in points:
        p = (round(x), round(y))
        if not out or out[-1] != p:
            out.append(p)
    return out


def clamp_points(points: Iterable[Point], width: float, height: float) -> Points:
    """Clamp every point into the page rectangle [0, width] x [0, height]."""
    return tuple((min(max(x, 0.0), width), min(max(y, 0.0), height)) for x, y in points)


def polyline_length(points: Sequence[Point]) -> float:
    """Total length of a polyline."""
    return sum(math.dist(a, b) for a, b in pairwise(points))


def weighted_median(
    values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray
) -> float:
    """The value below which half the total weight lies (the lower one at an exact half)."""
    order = np.argsort(values)
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
    return float(np.asarray(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
