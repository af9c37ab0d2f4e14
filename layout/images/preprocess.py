"""One page image in, clean page images out: binarize, find the page, deskew, orient.

The per-page contract the flows call: :func:`preprocess` takes a loaded
:class:`~layout.images.loading.PageImage` and settings and returns the
straightened greyscale and binary pages with what was measured and how long
each step took.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from layout.images.binarize import INK, PAPER, BinarizeSettings, binarize
from layout.images.deskew import detect_skew, rotate, rotation_matrix
from layout.images.loading import PageImage
from layout.images.orientation import (
    OrientationResult,
    UprightScorer,
    apply_orientation,
    detect_orientation,
    orientation_matrix,
)
from layout.images.page_area import PageArea, find_page_area

# Margin inside the page area, as a share of the page, kept out of skew detection
# so that the page's own edges do not vote.
PAGE_EDGE = 0.02
SKEW_SIDE = 3600  # longest side, in pixels, of the page that skew detection works on


@dataclass(frozen=True, slots=True)
class PreprocessSettings:
    """Settings of the preprocessing stage."""

    binarize: BinarizeSettings = field(default_factory=BinarizeSettings)
    max_skew: float = 15.0
    deskew: bool = True
    upright_scorer: UprightScorer | None = None


@dataclass(frozen=True, slots=True)
class Preprocessed:
    """A straightened page: greyscale, binary, and the measurements."""

    grey: np.ndarray
    binary: np.ndarray
    skew_angle: float
    orientation: OrientationResult
    page_area: PageArea
    page_mask: np.ndarray | None
    """The page area in the coordinates of ``grey`` (None when the scan is all page)."""
    dpi: float
    dpi_estimated: bool
    timings: dict[str, float]
    transform: np.ndarray
    """3x3 affine matrix from scan coordinates to those of ``grey`` and ``binary``."""


def preprocess(page: PageImage, settings: PreprocessSettings | None = None) -> Preprocessed:
    """Binarize, find the page area, level the skew within it, then turn the page upright.

    ``skew_angle`` is the correction applied, in degrees, counter-clockwise
    positive, and ``orientation.correction`` the quarter turns applied after it
    (see :mod:`layout.images.orientation`); ``page_area`` is in the coordinates
    of the input scan.
    """
    settings = settings or PreprocessSettings()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    binary = binarize(page.pixels, page.dpi, settings.binarize)
    timings["binarize_s"] = time.perf_counter() - start
    start = time.perf_counter()
    area = find_page_area(page.pixels)
    timings["page_area_s"] = time.perf_counter() - start
    angle = 0.0
    if settings.deskew:
        start = time.perf_counter()
        angle = page_skew(binary, area, settings.max_skew)
        timings["skew_detect_s"] = time.perf_counter() - start
    start = time.perf_counter()
    paper = int(np.median(page.pixels[binary == PAPER])) if (binary == PAPER).any() else 255
    grey = rotate(page.pixels, angle, fill=paper)
    binary = rotate(binary, angle, fill=PAPER, nearest=True)
    rotated_shape = grey.shape
    timings["rotate_s"] = time.perf_counter() - start
    start = time.perf_counter()
    page_mask = (
        rotate(area.mask(page.pixels.shape).astype(np.uint8), angle, fill=0, nearest=True) > 0
        if area.background
        else None
    )
    judged = binary if page_mask is None else np.where(page_mask, binary, PAPER).astype(np.uint8)
    orientation = detect_orientation(judged, grey, settings.upright_scorer)
    if orientation.correction:
        grey = apply_orientation(grey, orientation.correction)
        binary = apply_orientation(binary, orientation.correction)
        if page_mask is not None:
            page_mask = apply_orientation(page_mask, orientation.correction)
    timings["orientation_s"] = time.perf_counter() - start
    rotation, _ = rotation_matrix(page.pixels.shape, angle)
    turn = orientation_matrix(rotated_shape, orientation.correction)
    transform = _affine3(turn) @ _affine3(rotation)
    return Preprocessed(grey, binary, angle, orientation, area, page_mask, page.dpi,
                        page.dpi_estimated, timings, transform)  # fmt: skip


def page_skew(binary: np.ndarray, area: PageArea, max_skew: float = 15.0) -> float:
    """The skew correction measured on the ink inside the page area, its edges left out.

    A page longer than :data:`SKEW_SIDE` is measured reduced by a whole factor
    to at most that size: the angle does not change with the scale, and 3,600
    pixels resolve it far finer than the 0.01° search step.
    """
    scale = 1.0 / math.ceil(max(binary.shape) / SKEW_SIDE)
    if scale < 1.0:
        small = cv2.resize(binary, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        binary = np.where(small < (INK + PAPER) / 2, INK, PAPER).astype(np.uint8)
    inside = (
        area.mask(binary.shape, PAGE_EDGE * min(binary.shape), scale) if area.background else None
    )
    return detect_skew(binary, max_skew, inside)


def _affine3(matrix: np.ndarray) -> np.ndarray:
    return np.vstack([matrix, [0.0, 0.0, 1.0]])
