"""Splitting lines that run across a narrow gutter: marginal notes set close to the text.

The network may draw one baseline from a marginal note straight into the text
line beside it when the gutter is narrower than a letter. The page says
otherwise: several lines start (or end) at the same x — a column edge — and
the joined line has a blank gap in its x-height band just outside that edge.
Such a line is cut in the middle of the gap when the gap is a gutter: another
line has a gap at the same place, and the edge runs beside the line (its lines
stand within a couple of pitches, directly or through a neighbour cut at the
same gutter). The start of an indented block further down the page (footnotes
set narrower) is no column edge for the lines above it.

An edge may lean: a text block printed or scanned a degree or two off the
page's skew starts its lines at an x that drifts down the page, so edges are
sought along the slant (up to :data:`MAX_SLANT`) that gathers the most line
starts together — the block's left edge, straight in print and handwriting
alike; its right edge leans the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from layout.detector.traces import Trace

ALIGNED = 3  # lines starting (ending) together make a column edge …
ALIGNED_SHARE = 0.3  # … and at least this share of the page's lines
REACH = 0.6  # a gutter lies within this many line pitches outside the edge …
SLACK = 0.4  # … or this many inside it (letters start a little after the median line start)
MIN_GAP = 0.2  # blank columns, in line pitches, that make a gutter
ALONG = 4.0  # an edge runs beside the lines within this many pitches of its own
MAX_SLANT = 0.05  # steepest edge searched (x per y, about 3 degrees) …
SLANTS = np.linspace(-MAX_SLANT, MAX_SLANT, 41)  # … in these steps


@dataclass(frozen=True, slots=True)
class Edge:
    """A column edge: where many lines start (or end), and the heights of those lines.

    The edge runs through ``x`` at height 0 with ``slant`` (x per y).
    """

    x: float
    heights: np.ndarray
    left: bool
    slant: float

    def at(self, y: float) -> float:
        """The edge's x at height ``y``."""
        return self.x + self.slant * y

    def beside(self, y: float, pitch: float) -> bool:
        """Whether a line at height ``y`` stands within :data:`ALONG` pitches of its lines."""
        return bool((np.abs(self.heights - y) <= ALONG * pitch).any())


def _clusters(positions: np.ndarray, pitch: float, enough: float) -> list[tuple[float, np.ndarray]]:
    """Positions shared (within a quarter pitch) by ``enough`` values: centres and members."""
    found: list[tuple[float, np.ndarray]] = []
    near = np.abs(positions[None, :] - np.sort(positions)[:, None]) <= 0.25 * pitch
    for close in near[near.sum(axis=1) >= enough]:  # in position order; medians only where due
        centre = float(np.median(positions[close]))
        if all(abs(centre - c) > 0.5 * pitch for c, _ in found):
            found.append((centre, close))
    return found


def _slant(starts: np.ndarray, heights: np.ndarray, pitch: float) -> float:
    """The lean (x per y) along which the most lines start together: the text block's own."""
    best_slant, best_count = 0.0, 0
    for slant in sorted(SLANTS, key=abs):  # the upright reading wins ties
        found = _clusters(starts - slant * heights, pitch, ALIGNED)
        count = max((int(close.sum()) for _, close in found), default=0)
        if count > best_count:
            best_slant, best_count = float(slant), count
    return best_slant


def _edges(positions: np.ndarray, heights: np.ndarray, pitch: float, left: bool,
           slant: float) -> list[Edge]:  # fmt: skip
    """Column edges: many lines starting (ending) together along ``slant``."""
    enough = max(ALIGNED, ALIGNED_SHARE * len(positions))
    found = _clusters(positions - slant * heights, pitch, enough)
    return [Edge(centre, heights[close], left, slant) for centre, close in found]


def _gap(trace: Trace, ink: np.ndarray, lo: float, hi: float, pitch: float) -> float | None:
    """The middle of the widest blank run of the x-height band between ``lo`` and ``hi``."""
    columns = np.arange(max(int(lo), 0), min(int(hi), ink.shape[1]))
    if len(columns) == 0:
        return None
    base = np.interp(columns, trace.xs, trace.ys)
    top = np.clip((base - 0.6 * pitch).astype(int), 0, ink.shape[0] - 1)
    bottom = np.clip((base - 0.05 * pitch).astype(int), 0, ink.shape[0] - 1)
    blank = np.array([not ink[t : b + 1, c].any() for c, t, b in zip(columns, top, bottom,
                                                                       strict=True)])  # fmt: skip
    best, best_len, start = None, 0, None
    for index, empty in enumerate([*blank, False]):
        if empty and start is None:
            start = index
        elif not empty and start is not None:
            if index - start > best_len:
                best, best_len = (columns[start] + columns[index - 1]) / 2, index - start
            start = None
    return float(best) if best is not None and best_len >= MIN_GAP * pitch else None


@dataclass(frozen=True, slots=True)
class Gap:
    """A blank gap in a line (at height ``y``) just outside a column edge it crosses."""

    x: float
    y: float
    edge: Edge

    @property
    def offset(self) -> float:
        """How far the gap lies from its edge."""
        return self.x - self.edge.at(self.y)


def _candidates(traces: list[Trace], heights: np.ndarray, ink: np.ndarray,
                pitch: float) -> list[list[Gap]]:  # fmt: skip
    """Per trace, the blank gaps just outside the column edges it crosses."""
    starts, ends = np.array([t.x0 for t in traces]), np.array([t.x1 for t in traces])
    slant = _slant(starts, heights, pitch)
    edges = _edges(starts, heights, pitch, True, slant) + _edges(ends, heights, pitch, False, slant)
    found = []
    for trace, y in zip(traces, heights, strict=True):
        gaps = []
        for e in edges:
            at = e.at(y)
            if trace.x0 < at - pitch and trace.x1 > at + pitch:
                lo = at - (REACH if e.left else SLACK) * pitch
                x = _gap(trace, ink, lo, lo + (REACH + SLACK) * pitch, pitch)
                gaps += [Gap(x, y, e)] if x is not None else []
        found.append(gaps)
    return found


def _is_gutter(index: int, gap: Gap, heights: np.ndarray, candidates: list[list[Gap]],
               pitch: float) -> bool:  # fmt: skip
    """Whether a line's gap is a gutter (see the module docstring); ``heights``: the baselines'."""
    y = float(heights[index])
    partners = [j for j, gaps in enumerate(candidates)
                if j != index and any(g.edge is gap.edge and abs(gap.offset - g.offset) <= pitch / 2
                                      for g in gaps)]  # fmt: skip
    if not partners:
        return False
    near = [float(heights[j]) for j in partners if abs(heights[j] - y) <= ALONG * pitch]
    return any(gap.edge.beside(h, pitch) for h in [y, *near])


def split_at_gutters(traces: list[Trace], ink: np.ndarray, pitch: float) -> list[Trace]:
    """The traces, each one that crosses a column edge at a gutter cut in two there.

    A lone word gap near an indent never cuts a line: the gap must be shared
    with another line, and the edge must run beside the line.
    """
    heights = np.array([float(np.median(t.ys)) for t in traces])  # each baseline's median height
    candidates = _candidates(traces, heights, ink, pitch)
    result = []
    for index, trace in enumerate(traces):
        cuts = sorted(g.x for g in candidates[index]
                      if _is_gutter(index, g, heights, candidates, pitch))  # fmt: skip
        pieces = [trace]
        for n, cut in enumerate(cuts):
            if n and cut - cuts[n - 1] < pitch:  # one gutter, seen from both its edges
                continue
            last = pieces.pop()
            pieces += [last.part(last.xs < cut), last.part(last.xs >= cut)]
        result += [p for p in pieces if len(p.xs) >= 2]
    return result
