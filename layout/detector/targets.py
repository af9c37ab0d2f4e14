"""What the detector should see on a ground-truth page: baseline and line-body maps.

Pages are scaled so that their long side is ``size`` pixels. Channel
:data:`BASELINE` is every line's baseline drawn a few pixels thick; channel
:data:`BODY` is every line's polygon filled. Where the ground truth has a
polygon but no baseline (OCR-D's PAGE files often do), the baseline is
derived from the ink inside the polygon (:func:`derive_baseline`).
"""

from __future__ import annotations

import cv2
import numpy as np

from layout.document import Page, TextLine
from layout.geometry import Points, bounding_box

BASELINE, BODY = 0, 1
CHANNELS = 2
BASELINE_THICKNESS = 3  # pixels at the network's scale


def scale_for(width: int, height: int, size: int) -> float:
    """The factor that brings a page's long side to ``size`` pixels."""
    return size / max(width, height)


def resize_grey(grey: np.ndarray, scale: float) -> np.ndarray:
    """The page at the network's scale (area averaging when shrinking)."""
    height, width = grey.shape
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.resize(grey, target, interpolation=interpolation)


def _ink_rows(grey: np.ndarray, polygon: Points) -> tuple[np.ndarray, int, int]:
    """Ink count per row inside a polygon (Otsu within its box), and the box's x0, y0."""
    box = bounding_box(polygon)
    x0, y0 = max(int(box.x0), 0), max(int(box.y0), 0)
    x1, y1 = (
        min(int(np.ceil(box.x1)) + 1, grey.shape[1]),
        min(int(np.ceil(box.y1)) + 1, grey.shape[0]),
    )
    crop = grey[y0:y1, x0:x1]
    if crop.size == 0:
        return np.zeros((0, 0)), x0, y0
    mask = np.zeros(crop.shape, np.uint8)
    shifted = np.round(np.asarray(polygon) - (x0, y0)).astype(np.int32)
    cv2.fillPoly(mask, [shifted], 1)
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink * mask, x0, y0


def _baseline_row(ink: np.ndarray) -> float | None:
    """The row where the x-height band ends: below the densest rows, ink falls away."""
    profile = ink.sum(axis=1).astype(np.float64)
    if profile.max() <= 0:
        return None
    peak = int(np.argmax(profile))
    strong = profile >= 0.35 * profile[max(peak - 1, 0) : peak + 2].mean()
    row = peak
    while row + 1 < len(profile) and strong[row + 1]:
        row += 1
    return float(row + 1)


def derive_baseline(grey: np.ndarray, polygon: Points) -> Points | None:
    """A straight baseline for a polygon from its ink: left and right halves each give a height."""
    ink, x0, y0 = _ink_rows(grey, polygon)
    if ink.size == 0:
        return None
    half = ink.shape[1] // 2
    rows = [_baseline_row(part) for part in (ink[:, :half], ink[:, half:]) if part.size]
    found = [r for r in rows if r is not None]
    if not found:
        return None
    left, right = found[0], found[-1]
    if abs(left - right) > 0.25 * ink.shape[0]:  # halves disagree: one height for the whole
        left = right = _baseline_row(ink) or left
    xs = np.flatnonzero(ink.any(axis=0))
    a, b = (int(xs[0]), int(xs[-1]) + 1) if len(xs) else (0, ink.shape[1])
    return ((x0 + a, y0 + left), (x0 + b, y0 + right))


def line_baseline(grey: np.ndarray, line: TextLine) -> Points | None:
    """The line's own baseline, else one derived from the ink in its polygon."""
    if line.baseline and len(line.baseline) >= 2:
        return line.baseline
    if len(line.polygon) >= 3:
        return derive_baseline(grey, line.polygon)
    return None


def _scaled(points: Points, scale: float) -> np.ndarray:
    return np.round(np.asarray(points, np.float64) * scale).astype(np.int32)


def page_targets(page: Page, grey: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The scaled page and its target maps (uint8, ``CHANNELS`` × H × W, values 0 or 1)."""
    scale = scale_for(grey.shape[1], grey.shape[0], size)
    small = resize_grey(grey, scale)
    maps = np.zeros((CHANNELS, *small.shape), np.uint8)
    for line in page.lines():
        baseline = line_baseline(grey, line)
        if len(line.polygon) >= 3:
            cv2.fillPoly(maps[BODY], [_scaled(line.polygon, scale)], 1)
        if baseline is not None:
            cv2.polylines(maps[BASELINE], [_scaled(baseline, scale)], False, 1,
                          thickness=BASELINE_THICKNESS)  # fmt: skip
    return small, maps
