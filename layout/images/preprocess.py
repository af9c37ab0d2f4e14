"""One page image in, clean page images out: binarize, find the page, measure skew, straighten.

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


@dataclass(frozen=True, slots=True)
class Preprocessed:
    """A straightened page: greyscale, binary, and the measurements."""

    grey: np.ndarray
    binary: np.ndarray
    skew_angle: float
    page_area: PageArea
    dpi: float
    dpi_estimated: bool
    timings: dict[str, float]


def preprocess(page: PageImage, settings: PreprocessSettings | None = None) -> Preprocessed:
    """Binarize, find the page area, detect the skew within it and rotate both images level.

    ``skew_angle`` is the correction applied, in degrees, counter-clockwise
    positive; ``page_area`` is in the coordinates of the input scan.
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
    return Preprocessed(grey, binary, angle, area, page.dpi, page.dpi_estimated, timings)
