"""Upside down or not: ask the recogniser, as the preprocessing's orientation hook allows.

The ink cue of :mod:`layout.images.orientation` is right for about nine pages
in ten; where it is in doubt, the page and its 180° turn are each cut into a
few of their longest lines (classical segmenter on an Otsu binarization: cheap)
and read; the recogniser's mean confidence says which way up reads better.
"""

from __future__ import annotations

import numpy as np

from layout.document import TextLine
from layout.images.binarize import PAPER, otsu
from layout.images.orientation import UprightScorer
from layout.line_images import extract_line
from layout.segment_classic import segment
from recognition.batching import SharedReader

SAMPLE_LINES = 8


def recogniser_scorer(reader: SharedReader, lines: int = SAMPLE_LINES) -> UprightScorer:
    """A scorer: mean recogniser confidence over the page's ``lines`` longest lines."""

    def score(grey: np.ndarray) -> float:
        binary = otsu(grey)
        found = sorted(segment(binary).lines(), key=_width, reverse=True)
        images = [extract_line(binary, line, paper=PAPER)[0] for line in found[:lines]]
        results = reader.predict(images)
        confidences = [r.confidence for r in results if r.text.strip()]
        return float(np.mean(confidences)) if confidences else 0.0

    return score


def _width(line: TextLine) -> float:
    box = line.box()
    return 0.0 if box is None else float(box.x1 - box.x0)
