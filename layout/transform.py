"""Move a page's geometry by an affine transform (to or from a straightened image)."""

from __future__ import annotations

import copy

import numpy as np

from layout.document import Page
from layout.geometry import Points


def apply_affine(points: Points, matrix: np.ndarray) -> Points:
    """Points moved by a 3x3 (or 2x3) affine matrix."""
    if not points:
        return points
    arr = np.asarray(points, dtype=np.float64)
    moved = arr @ matrix[:2, :2].T + matrix[:2, 2]
    return tuple((float(x), float(y)) for x, y in moved)


def transform_page(page: Page, matrix: np.ndarray, width: int, height: int) -> Page:
    """A copy of the page with every outline and baseline moved, on a page of the new size."""
    out = copy.deepcopy(page)
    out.width, out.height = width, height
    for region in out.regions:
        region.polygon = apply_affine(region.polygon, matrix)
        for line in region.lines:
            line.polygon = apply_affine(line.polygon, matrix)
            if line.baseline:
                line.baseline = apply_affine(line.baseline, matrix)
            for word in line.words:
                word.polygon = apply_affine(word.polygon, matrix)
                for glyph in word.glyphs:
                    glyph.polygon = apply_affine(glyph.polygon, matrix)
    return out
