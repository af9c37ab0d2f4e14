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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from layout.detector.traces import Trace

ALIGNED = 3  # lines starting (ending) together make a column edge …
ALIGNED_SHARE = 0.3  # … and at least this share of the page's lines
REACH = 0.6  # a gutter lies within this many line pitches outside the edge
MIN_GAP = 0.2  # blank columns, in line pitches, that make a gutter
ALONG = 4.0  # an edge runs beside the lines within this many pitches of its own


@dataclass(frozen=True, slots=True)
class Edge:
    """A column edge: the x where many lines start (or end), and the heights of those lines."""

    x: float
    heights: np.ndarray
    left: bool

    def beside(self, y: float, pitch: float) -> bool:
        """Whether a line at height ``y`` stands within :data:`ALONG` pitches of its lines."""
        return bool((np.abs(self.heights - y) <= ALONG * pitch).any())


def _edges(positions: np.ndarray, heights: np.ndarray, pitch: float, left: bool) -> list[Edge]:
    """Positions shared (within a quarter pitch) by many lines: column edges."""
    enough = max(ALIGNED, ALIGNED_SHARE * len(positions))
    edges: list[Edge] = []
    for value in np.sort(positions):
        close = np.abs(positions - value) <= 0.25 * pitch
        centre = float(np.median(positions[close]))
        if close.sum() >= enough and all(abs(centre - e.x) > 0.5 * pitch for e in edges):
            edges.append(Edge(centre, heights[close], left))
    return edges


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
    """A blank gap in a line just outside a column edge it crosses."""

    x: float
    edge: Edge


def _candidates(traces: list[Trace], heights: np.ndarray, ink: np.ndarray,
                pitch: float) -> list[list[Gap]]:  # fmt: skip
    """Per trace, the blank gaps just outside the column edges it crosses."""
    edges = _edges(np.array([t.x0 for t in traces]), heights, pitch, left=True)
    edges += _edges(np.array([t.x1 for t in traces]), heights, pitch, left=False)
    found = []
    for trace in traces:
        gaps = []
        for e in edges:
            if trace.x0 < e.x - pitch and trace.x1 > e.x + pitch:
                lo = e.x - REACH * pitch if e.left else e.x
                x = _gap(trace, ink, lo, lo + REACH * pitch, pitch)
                gaps += [Gap(x, e)] if x is not None else []
        found.append(gaps)
    return found


def _is_gutter(index: int, gap: Gap, heights: np.ndarray, candidates: list[list[Gap]],
               pitch: float) -> bool:  # fmt: skip
    """Whether a line's gap is a gutter (see the module docstring); ``heights``: the baselines'."""
    y = float(heights[index])
    partners = [j for j, gaps in enumerate(candidates)
                if j != index and any(abs(gap.x - g.x) <= pitch / 2 for g in gaps)]  # fmt: skip
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
        cuts = [g.x for g in candidates[index] if _is_gutter(index, g, heights, candidates, pitch)]
        pieces = [trace]
        for cut in sorted(cuts):
            last = pieces.pop()
            pieces += [last.part(last.xs < cut), last.part(last.xs >= cut)]
        result += [p for p in pieces if len(p.xs) >= 2]
    return result
