"""Page orientation: upright, sideways (90° or 270°) or upside down.

Sideways pages are found from the ink profiles: text lines make the row
profile of an upright page peaky and leave its column profile flat, and the
other way round for a page on its side. Which way up is read from the lines
themselves: in Latin script more ink stands above the x-height band
(ascenders, capitals, accents) than below it (descenders), so the sign of
that asymmetry tells upright from upside down.

That cue knows nothing of other scripts, and is weak on pages with few
lines, so callers may pass an :data:`UprightScorer` (the flows use the
recogniser's confidence) which then decides between the two candidates.

Convention: the orientation is the correction applied, a multiple of 90°
counter-clockwise, like the skew angle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from layout.images.binarize import INK
from layout.images.deskew import text_like

Quarter = Literal[0, 90, 180, 270]
UprightScorer = Callable[[np.ndarray], float]
"""Scores a greyscale page: higher means more likely upright."""

SIDEWAYS_MARGIN = 1.15  # column peakiness must beat row peakiness by this factor
SCORE_MARGIN = 0.05
"""A scorer overrules the ink cue only by this much (scores such as confidences in [0, 1]):
turning an upright page over costs more than leaving a rare upside-down one."""


@dataclass(frozen=True, slots=True)
class OrientationResult:
    """The correction (CCW degrees) and the evidence behind it."""

    correction: Quarter
    row_peakiness: float
    column_peakiness: float
    asymmetry: float
    decided_by: Literal["profile", "scorer", "none"]

    @property
    def upside_down_suspected(self) -> bool:
        """The ink cue says upside down but nothing turned the page: ask a scorer."""
        return self.decided_by == "profile" and self.correction == 0 and self.asymmetry < 0


def peakiness(profile: np.ndarray) -> float:
    """1 for ink spread evenly over the bins, larger the more it gathers in few."""
    total = float(profile.sum())
    if total == 0:
        return 0.0
    return float(len(profile) * np.dot(profile, profile) / (total * total))


def _line_bands(rows: np.ndarray) -> list[tuple[int, int]]:
    """Runs of rows holding ink above a tenth of the busiest row."""
    busy = rows > 0.1 * rows.max()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], busy.astype(np.int8), [0]))))
    return list(zip(edges[0::2], edges[1::2], strict=True))


def ascender_asymmetry(ink: np.ndarray) -> float:
    """Vote of the text lines in [-1, 1]; positive when they look upright.

    A line votes up when it carries more ink above its x-height band than below
    it, as upright Latin script does, and down otherwise.
    """
    rows = ink.sum(axis=1).astype(np.float64)
    if rows.max() == 0:
        return 0.0
    up = down = 0
    for start, stop in _line_bands(rows):
        band = rows[start:stop]
        core = np.flatnonzero(band >= 0.5 * band.max())
        if stop - start < 5 or len(core) == 0:
            continue
        above, below = band[: core[0]].sum(), band[core[-1] + 1 :].sum()
        up += int(above > below)
        down += int(below > above)
    return (up - down) / max(up + down, 1)


def detect_orientation(
    binary: np.ndarray, grey: np.ndarray | None = None, scorer: UprightScorer | None = None
) -> OrientationResult:
    """The quarter-turn correction that makes a deskewed page upright.

    Sideways pages are always turned (90 or 270 by the ascender cue). Without a
    scorer an upright-looking page is never turned over, only flagged; with a
    scorer, the scorer compares the page with its 180° turn on ``grey`` (or
    ``binary``) whenever the ink cue is in doubt: the page is sideways, or
    more of its ink hangs below the lines than stands above them. The cue's
    own choice stands unless the other way scores :data:`SCORE_MARGIN` better.
    A page the cue finds upright is left alone without asking (the scorer may
    be costly: the flows' one reads lines with the recogniser).
    """
    ink = text_like(binary) if (binary == INK).any() else np.zeros(binary.shape, bool)
    row_peak = peakiness(ink.sum(axis=1).astype(np.float64))
    column_peak = peakiness(ink.sum(axis=0).astype(np.float64))
    sideways = column_peak > SIDEWAYS_MARGIN * row_peak
    level = np.rot90(ink, 1) if sideways else ink
    asymmetry = ascender_asymmetry(level)
    base: Quarter = 90 if sideways else 0
    flipped: Quarter = 270 if sideways else 180
    if scorer is not None and (sideways or asymmetry < 0):
        page = grey if grey is not None else binary
        cue: Quarter = flipped if sideways and asymmetry < 0 else base
        other: Quarter = base if cue == flipped else flipped
        keep = scorer(np.rot90(page, cue // 90)) + SCORE_MARGIN >= scorer(
            np.rot90(page, other // 90)
        )
        return OrientationResult(cue if keep else other, row_peak, column_peak, asymmetry, "scorer")
    if row_peak == column_peak == 0.0:
        return OrientationResult(0, 0.0, 0.0, 0.0, "none")
    # The ink cue alone is right for about nine pages in ten: good enough to choose
    # between 90 and 270 for a page known to be sideways, not to turn an upright-looking
    # page over. Upside down is only reported (``upside_down_suspected``).
    correction = (base if asymmetry >= 0 else flipped) if sideways else 0
    return OrientationResult(correction, row_peak, column_peak, asymmetry, "profile")


def apply_orientation(image: np.ndarray, correction: Quarter) -> np.ndarray:
    """Rotate by the correction (counter-clockwise quarter turns)."""
    return np.ascontiguousarray(np.rot90(image, correction // 90))


def orientation_matrix(shape: tuple[int, ...], correction: Quarter) -> np.ndarray:
    """The 2x3 affine matrix of :func:`apply_orientation` on an image of ``shape``."""
    height, width = shape[:2]
    turns = correction // 90
    if turns == 1:  # counter-clockwise: (x, y) -> (y, width - x)
        return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, float(width)]])
    if turns == 2:
        return np.array([[-1.0, 0.0, float(width)], [0.0, -1.0, float(height)]])
    if turns == 3:
        return np.array([[0.0, -1.0, float(height)], [1.0, 0.0, 0.0]])
    return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
