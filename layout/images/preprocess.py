"""One page image in, clean page images out: binarize, measure skew, straighten.

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
    dpi: float
    dpi_estimated: bool
    timings: dict[str, float]


def preprocess(page: PageImage, settings: PreprocessSettings | None = None) -> Preprocessed:
    """Binarize, detect the skew within ``max_skew`` and rotate both images to level.

    ``skew_angle`` is the correction applied, in degrees, counter-clockwise positive.
    """
    settings = settings or PreprocessSettings()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    binary = binarize(page.pixels, page.dpi, settings.binarize)
    timings["binarize_s"] = time.perf_counter() - start
    angle = 0.0
    if settings.deskew:
        start = time.perf_counter()
        angle = detect_skew(binary, settings.max_skew)
        timings["skew_detect_s"] = time.perf_counter() - start
    start = time.perf_counter()
    paper = int(np.median(page.pixels[binary == PAPER])) if (binary == PAPER).any() else 255
    grey = rotate(page.pixels, angle, fill=paper)
    binary = rotate(binary, angle, fill=PAPER, nearest=True)
    timings["rotate_s"] = time.perf_counter() - start
    return Preprocessed(grey, binary, angle, page.dpi, page.dpi_estimated, timings)
