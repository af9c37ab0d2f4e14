"""One page image in, clean page images out: binarize, find the page, deskew, orient.

The per-page contract the flows call: :func:`preprocess` takes a loaded
:class:`~layout.images.loading.PageImage` and settings and returns the
straightened greyscale and binary pages with what was measured and how long
each step took.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from layout.images.binarize import PAPER, BinarizeSettings, binarize
from layout.images.deskew import detect_skew, rotate
from layout.images.loading import PageImage
from layout.images.orientation import (
    OrientationResult,
    UprightScorer,
    apply_orientation,
    detect_orientation,
)
from layout.images.page_area import PageArea, find_page_area

# Margin inside the page area, as a share of the page, kept out of skew detection
# so that the page's own edges do not vote.
PAGE_EDGE = 0.02


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
    dpi: float
    dpi_estimated: bool
    timings: dict[str, float]


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
        inside = area.mask(binary.shape, PAGE_EDGE * min(binary.shape)) if area.background else None
        angle = detect_skew(binary, settings.max_skew, inside)
        timings["skew_detect_s"] = time.perf_counter() - start
    start = time.perf_counter()
    paper = int(np.median(page.pixels[binary == PAPER])) if (binary == PAPER).any() else 255
    grey = rotate(page.pixels, angle, fill=paper)
    binary = rotate(binary, angle, fill=PAPER, nearest=True)
    timings["rotate_s"] = time.perf_counter() - start
    start = time.perf_counter()
    orientation = _orientation(
        binary, grey, area, page.pixels.shape, angle, scorer=settings.upright_scorer
    )
    if orientation.correction:
        grey = apply_orientation(grey, orientation.correction)
        binary = apply_orientation(binary, orientation.correction)
    timings["orientation_s"] = time.perf_counter() - start
    return Preprocessed(
        grey, binary, angle, orientation, area, page.dpi, page.dpi_estimated, timings
    )


def _orientation(
    binary: np.ndarray,
    grey: np.ndarray,
    area: PageArea,
    scan_shape: tuple[int, ...],
    angle: float,
    *,
    scorer: UprightScorer | None,
) -> OrientationResult:
    """Orientation judged on the ink inside the page area only (rotated with the page)."""
    if area.background:
        inside = rotate(area.mask(scan_shape).astype(np.uint8), angle, fill=0, nearest=True)
        binary = np.where(inside > 0, binary, PAPER).astype(np.uint8)
    return detect_orientation(binary, grey, scorer)
