"""Find the page inside a scan: dark scanner background, colour charts and rulers left out.

The page is the largest bright region once the text is blurred into the
paper: the greyscale is reduced to about 800 pixels, blurred over about 3 %
of its size, split by Otsu, opened to cut thin bridges (a ruler touching the
page), and the largest connected bright component is taken with its holes
(pictures on the page) filled. Charts and rulers in the background form
components of their own and are left out. A scan without a distinctly darker
surround is all page.

An open book scanned flat often shows the binding's shadow near one side and
the edge of the facing page beyond it, whose text is no part of this page.
A fold is a dark band running down most of the page (at least 60 % of its
height in vertical runs of 30 %), at least 0.7 % of the width wide
(a printed rule is thinner), within 12 % of the width from a side; the page
area ends at its inner edge.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from layout.geometry import Box, Points

WORK_SIZE = 800
MIN_CONTRAST = 50.0  # grey levels between background and paper
MIN_BACKGROUND = 0.02  # fraction of the scan that must be background
MIN_PAGE = 0.2  # fraction of the scan the page must cover
FULL_COVER = 0.97  # a page reaching this share of both sides fills the scan
FOLD_REACH = 0.12  # a binding fold lies within this share of the width from a side
FOLD_COVER = 0.6  # share of the height that a fold's columns are dark
FOLD_RUN = 0.3  # shortest vertical dark run counted, as a share of the height
FOLD_WIDTH = 0.007  # narrowest fold, as a share of the width


@dataclass(frozen=True, slots=True)
class PageArea:
    """The page's outline and bounding box in scan pixels; ``background`` if any was found."""

    polygon: Points
    box: Box
    background: bool

    def mask(self, shape: tuple[int, ...], shrink: float = 0.0, scale: float = 1.0) -> np.ndarray:
        """A boolean mask of the page, optionally shrunk inwards by ``shrink`` pixels.

        ``scale`` draws it on the scan reduced by that factor (``shape`` is the
        reduced one, ``shrink`` counts its pixels).
        """
        mask = np.zeros(shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(np.array(self.polygon) * scale).astype(np.int32)], 1)
        if shrink >= 1:
            side = int(2 * shrink) | 1
            mask = np.asarray(cv2.erode(mask, np.ones((side, side), np.uint8)), np.uint8)
        return mask.astype(bool)


def whole_image(shape: tuple[int, ...]) -> PageArea:
    """The page area of a scan that is all page."""
    box = Box(0, 0, shape[1], shape[0])
    return PageArea(box.corners(), box, False)


def _odd(value: float) -> int:
    return max(3, round(value) | 1)


def find_page_area(grey: np.ndarray) -> PageArea:
    """The page within the scan, up to a binding fold (the whole image when neither is found)."""
    small, scale = _reduced(grey)
    area = _surround(grey, small, scale)
    x0, x1 = _folds(small)
    if x0 / scale <= area.box.x0 and x1 / scale >= area.box.x1:
        return area
    return _clipped(area, small.shape, scale, (x0, x1))


def _reduced(grey: np.ndarray) -> tuple[np.ndarray, float]:
    """The scan averaged down to about :data:`WORK_SIZE` pixels, and the scale factor.

    A whole-factor reduction goes first: OpenCV averages whole blocks several
    times faster than fractional ones, and a 5000×7000 scan is mostly reduced there.
    """
    factor = max(1, int(max(grey.shape) / WORK_SIZE))
    if factor > 1:
        grey = cv2.resize(grey, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
    rest = min(1.0, WORK_SIZE / max(grey.shape))
    small = cv2.resize(grey, None, fx=rest, fy=rest, interpolation=cv2.INTER_AREA)
    return small, small.shape[1] / (grey.shape[1] * factor)


def _folds(small: np.ndarray) -> tuple[float, float]:
    """Where the page ends at a binding fold on the left and right (else at the image's sides)."""
    height, width = small.shape
    paper = float(np.percentile(small, 90))
    dark = (small < paper - MIN_CONTRAST).astype(np.uint8)
    runs = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((max(1, int(FOLD_RUN * height)), 1),
                                                          np.uint8))  # fmt: skip
    columns = np.flatnonzero(runs.mean(axis=0) >= FOLD_COVER)
    least = max(2, round(FOLD_WIDTH * width))
    left = columns[columns < FOLD_REACH * width]
    right = columns[columns > (1 - FOLD_REACH) * width]
    x0 = float(left.max() + 1) if len(left) >= least else 0.0
    x1 = float(right.min()) if len(right) >= least else float(width)
    return x0, x1


def _clipped(
    area: PageArea, shape: tuple[int, ...], scale: float, columns: tuple[float, float]
) -> PageArea:
    """The page area cut to the ``columns`` between two folds, worked out on the reduced scan."""
    x0, x1 = columns
    mask = area.mask(shape, scale=scale).astype(np.uint8)
    mask[:, : int(np.ceil(x0))] = 0
    mask[:, int(x1) :] = 0
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return area
    outline = cv2.approxPolyDP(max(contours, key=cv2.contourArea), 1.0, True).reshape(-1, 2)
    points = tuple((float(x) / scale, float(y) / scale) for x, y in outline)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return PageArea(points, Box(min(xs), min(ys), max(xs), max(ys)), True)


def _surround(grey: np.ndarray, small: np.ndarray, scale: float) -> PageArea:
    """The page inside a dark surround (the whole image when there is none)."""
    blurred = cv2.medianBlur(small, _odd(0.03 * min(small.shape)))
    _, bright = cv2.threshold(blurred, 0, 1, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    dark_share = 1.0 - bright.mean()
    if dark_share < MIN_BACKGROUND or bright.all():
        return whole_image(grey.shape)
    contrast = blurred[bright == 1].mean() - blurred[bright == 0].mean()
    if contrast < MIN_CONTRAST:
        return whole_image(grey.shape)
    kernel = np.ones((_odd(0.01 * min(small.shape)),) * 2, np.uint8)
    opened = cv2.morphologyEx(bright, cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=4)
    if count < 2:
        return whole_image(grey.shape)
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[largest, cv2.CC_STAT_AREA] < MIN_PAGE * opened.size:
        return whole_image(grey.shape)
    component = (labels == largest).astype(np.uint8)
    contours, _ = cv2.findContours(component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    outline = cv2.approxPolyDP(hull, 0.005 * cv2.arcLength(hull, True), True)
    points = tuple((float(x) / scale, float(y) / scale) for x, y in outline.reshape(-1, 2))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    height, width = grey.shape[:2]
    box = Box(max(min(xs), 0), max(min(ys), 0), min(max(xs), width), min(max(ys), height))
    if box.width >= FULL_COVER * width and box.height >= FULL_COVER * height:
        return whole_image(grey.shape)  # dark print, not a surround
    return PageArea(points, box, True)
