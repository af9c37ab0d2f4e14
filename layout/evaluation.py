"""Line detection scores: one-to-one matching of line outlines at an IoU threshold.

Predicted and reference lines are paired by the Hungarian algorithm on their
IoU (maximum total overlap); a pair counts as a hit when its IoU reaches the
threshold. Precision is hits over predicted lines, recall hits over reference
lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from shapely import STRtree

from layout.document import Page
from layout.geometry import Points, to_shapely


@dataclass(frozen=True, slots=True)
class LineMatch:
    """Counts of a matching; they add up over pages."""

    hits: int
    predicted: int
    reference: int

    @property
    def precision(self) -> float:
        """Hits over predicted lines (1 when nothing was predicted and nothing expected)."""
        return self.hits / self.predicted if self.predicted else float(self.reference == 0)

    @property
    def recall(self) -> float:
        """Hits over reference lines (1 when there were none)."""
        return self.hits / self.reference if self.reference else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: LineMatch) -> LineMatch:
        return LineMatch(
            self.hits + other.hits,
            self.predicted + other.predicted,
            self.reference + other.reference,
        )


def iou_matrix(predicted: Sequence[Points], reference: Sequence[Points]) -> np.ndarray:
    """IoU of every predicted outline (rows) with every reference outline (columns)."""
    shapes_p = [to_shapely(p) for p in predicted]
    shapes_r = [to_shapely(r) for r in reference]
    matrix = np.zeros((len(shapes_p), len(shapes_r)))
    if not shapes_p or not shapes_r:
        return matrix
    tree = STRtree(shapes_r)
    for i, shape in enumerate(shapes_p):
        if shape.is_empty:
            continue
        for j in tree.query(shape):
            other = shapes_r[int(j)]
            inter = shape.intersection(other).area
            union = shape.area + other.area - inter
            matrix[i, int(j)] = inter / union if union > 0 else 0.0
    return matrix


def match_outlines(
    predicted: Sequence[Points], reference: Sequence[Points], threshold: float = 0.5
) -> LineMatch:
    """Match outlines one to one and count hits at ``IoU >= threshold``."""
    matrix = iou_matrix(predicted, reference)
    hits = 0
    if matrix.size:
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        hits = int(np.count_nonzero(matrix[rows, cols] >= threshold))
    return LineMatch(hits, len(predicted), len(reference))


def match_lines(predicted: Page, reference: Page, threshold: float = 0.5) -> LineMatch:
    """Line detection counts of a predicted page against its ground truth."""
    return match_outlines(
        [line.outline() for line in predicted.lines()],
        [line.outline() for line in reference.lines()],
        threshold,
    )
