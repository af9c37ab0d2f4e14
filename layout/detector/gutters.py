"""Splitting lines that run across a narrow gutter: marginal notes set close to the text.

The network may draw one baseline from a marginal note straight into the text
line beside it when the gutter is narrower than a letter. The page says
otherwise: several lines start (or end) at the same x — a column edge — and
the joined line has a blank gap in its x-height band just outside that edge.
Such a line is cut in the middle of the gap.
"""

from __future__ import annotations

import numpy as np

from layout.detector.traces import Trace

ALIGNED = 3  # lines starting (ending) together make a column edge …
ALIGNED_SHARE = 0.3  # … and at least this share of the page's lines
REACH = 0.6  # a gutter lies within this many line pitches outside the edge
MIN_GAP = 0.2  # blank columns, in line pitches, that make a gutter


def _edges(positions: np.ndarray, pitch: float) -> list[float]:
    """Positions shared (within a quarter pitch) by many lines: column edges."""
    enough = max(ALIGNED, ALIGNED_SHARE * len(positions))
    edges: list[float] = []
    for value in np.sort(positions):
        near = positions[np.abs(positions - value) <= 0.25 * pitch]
        centre = float(np.median(near))
        if len(near) >= enough and all(abs(centre - e) > 0.5 * pitch for e in edges):
            edges.append(centre)
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


def _candidates(traces: list[Trace], ink: np.ndarray, pitch: float) -> list[list[float]]:
    """Per trace, the blank gaps just outside the column edges it crosses."""
    lefts = _edges(np.array([t.x0 for t in traces]), pitch)
    rights = _edges(np.array([t.x1 for t in traces]), pitch)
    found = []
    for trace in traces:
        crossed = [e for e in lefts + rights if trace.x0 < e - pitch and trace.x1 > e + pitch]
        gaps = [_gap(trace, ink, e - REACH * pitch, e, pitch) if e in lefts else
                _gap(trace, ink, e, e + REACH * pitch, pitch) for e in crossed]  # fmt: skip
        found.append([g for g in gaps if g is not None])
    return found


def split_at_gutters(traces: list[Trace], ink: np.ndarray, pitch: float) -> list[Trace]:
    """The traces, each one that crosses a column edge at a shared blank gutter cut in two.

    A gutter runs down the page: a gap counts only when another line has one
    at the same place (within half a pitch), so a lone word gap near an
    indent never cuts a line.
    """
    candidates = _candidates(traces, ink, pitch)
    everywhere = [(i, x) for i, gaps in enumerate(candidates) for x in gaps]
    result = []
    for index, trace in enumerate(traces):
        cuts = [x for x in candidates[index]
                if any(j != index and abs(x - y) <= pitch / 2 for j, y in everywhere)]  # fmt: skip
        pieces = [trace]
        for cut in sorted(cuts):
            last = pieces.pop()
            pieces += [last.part(last.xs < cut), last.part(last.xs >= cut)]
        result += [p for p in pieces if len(p.xs) >= 2]
    return result
