"""Line detection scores: one-to-one matching of line outlines at an IoU threshold.

Predicted and reference lines are paired by the Hungarian algorithm on their
IoU (maximum total overlap); a pair counts as a hit when its IoU reaches the
threshold. Precision is hits over predicted lines, recall hits over reference
lines. Matched pairs also compare their regions' roles
(:func:`layout.page_furniture.role`: running title, page number, catchword,
signature mark, marginal note or text), whatever vocabulary each side uses,
and pair their texts, so that text can be scored line by line whatever the
reading order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment
from shapely import STRtree

from layout.document import Page, TextLine
from layout.geometry import Points, to_shapely
from layout.page_furniture import ROLES, role


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


def matched_pairs(
    predicted: Sequence[Points], reference: Sequence[Points], threshold: float = 0.5
) -> list[tuple[int, int]]:
    """(predicted, reference) index pairs matched one to one at ``IoU >= threshold``."""
    matrix = iou_matrix(predicted, reference)
    if not matrix.size:
        return []
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if matrix[r, c] >= threshold]


RoleCounts = Counter[tuple[str, str]]


class PageComparison(NamedTuple):
    """A predicted page against its ground truth."""

    lines: LineMatch
    roles: RoleCounts
    """Over matched lines: (reference role, predicted role) counts."""
    texts: list[tuple[str, str]]
    """(predicted, reference) text of every matched pair, then ``("", text)`` for each
    reference line missed and ``(text, "")`` for each predicted line matching none."""


def _lines_and_roles(page: Page) -> tuple[list[TextLine], list[str]]:
    """Each line and its region's role, in :meth:`Page.lines` order."""
    pairs = [(line, role(region.type) if region.kind == "text" else "text")
             for region in page.ordered_regions() for line in region.lines]  # fmt: skip
    return [line for line, _ in pairs], [kind for _, kind in pairs]


def compare_pages(predicted: Page, reference: Page, threshold: float = 0.5) -> PageComparison:
    """Line detection counts, region roles and line texts of matched lines (IoU ≥ threshold)."""
    ours, our_roles = _lines_and_roles(predicted)
    theirs, their_roles = _lines_and_roles(reference)
    pairs = matched_pairs([line.outline() for line in ours],
                          [line.outline() for line in theirs], threshold)  # fmt: skip
    roles = Counter((their_roles[j], our_roles[i]) for i, j in pairs)
    found, hit = {i for i, _ in pairs}, {j for _, j in pairs}
    texts = [(ours[i].text or "", theirs[j].text or "") for i, j in pairs]
    texts += [("", line.text or "") for j, line in enumerate(theirs) if j not in hit]
    texts += [(line.text or "", "") for i, line in enumerate(ours) if i not in found]
    return PageComparison(LineMatch(len(pairs), len(ours), len(theirs)), roles, texts)


def match_lines(predicted: Page, reference: Page, threshold: float = 0.5) -> LineMatch:
    """Line detection counts of a predicted page against its ground truth."""
    return compare_pages(predicted, reference, threshold).lines


def role_scores(counts: RoleCounts) -> dict[str, dict[str, float | int]]:
    """Per role (:data:`~layout.page_furniture.ROLES`): precision and recall over matched lines."""
    scores: dict[str, dict[str, float | int]] = {}
    for name in ROLES:
        hits = counts[(name, name)]
        found = sum(n for (_, ours), n in counts.items() if ours == name)
        truth = sum(n for (ref, _), n in counts.items() if ref == name)
        scores[name] = {"reference": truth, "predicted": found, "hits": hits,
                        "precision": round(hits / found, 4) if found else 1.0,
                        "recall": round(hits / truth, 4) if truth else 1.0}  # fmt: skip
    return scores
