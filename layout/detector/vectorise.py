"""From pixel maps to lines: baselines as polylines, outlines as polygons, nothing dropped.

1. Baseline pixels (probability ≥ 0.5) form connected components; each gives a
   polyline through the middle of its pixels, column by column. Specks (shorter
   than 1.3 line heights or a pitch, after joining) are no lines, nor are traces shorter
   than a pitch inside the band of a longer line (ascender or descender loops).
2. Fragments of one line (a baseline broken at a word gap) are joined when
   the next one starts close by at the same height and line-body pixels
   bridge the gap.
3. The line pitch (vertical distance to the neighbouring baseline) sets a
   centre line a little above each baseline; every line-body pixel goes to the
   nearest centre line within reach, and a line's polygon is the outline of its
   pixels.
4. When a polygon cannot be built (too few pixels, broken outline), the line
   keeps a box around its baseline at the estimated x-height and is marked
   ``degraded``; it is never dropped.

Everything here works at the network's scale; :func:`vectorise` returns page
coordinates (divided by ``scale``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from layout.detector.gutters import split_at_gutters
from layout.detector.targets import BASELINE, BODY
from layout.detector.traces import Trace
from layout.geometry import Points

THRESHOLD = 0.5
MIN_LENGTH = 6  # pixels at the network's scale: shorter baseline blobs are noise
STEP = 8  # polyline sampling, pixels at the network's scale
MIN_HEIGHTS = 1.3  # a baseline shorter than this many line heights (or a pitch) is a speck


@dataclass(slots=True)
class FoundLine:
    """A detected line in page coordinates; ``degraded`` when its polygon is the fallback box."""

    baseline: Points
    polygon: Points
    degraded: bool = False


def _traces(baseline: np.ndarray) -> list[Trace]:
    """One polyline per baseline component: the mean row of its pixels in each column."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        baseline.astype(np.uint8), connectivity=8
    )
    traces = []
    ys_all, xs_all = np.nonzero(labels)
    owners = labels[ys_all, xs_all]
    order = np.argsort(owners, kind="stable")
    bounds = np.searchsorted(owners[order], np.arange(1, count + 1))
    for label in range(1, count):
        if stats[label, cv2.CC_STAT_WIDTH] < MIN_LENGTH:
            continue
        members = order[bounds[label - 1] : bounds[label]]
        xs, ys = xs_all[members], ys_all[members]
        columns = np.bincount(xs - xs.min())
        sums = np.bincount(xs - xs.min(), weights=ys)
        present = np.flatnonzero(columns)
        col_x = present + xs.min()
        col_y = sums[present] / columns[present]
        traces.append(Trace(col_x.astype(np.float64), col_y))
    return traces


def _pitch(traces: list[Trace]) -> np.ndarray:
    """Per trace, the vertical distance to the nearest other trace overlapping it in x.

    Only traces at least half as long count as neighbours: a short piece of
    baseline inside a line (a descending word, a loop) is no line above or below.
    Pitches are capped at twice the typical one (:func:`_typical`).
    """
    pitches = np.full(len(traces), np.nan)
    for i, a in enumerate(traces):
        mid_a = (a.x0 + a.x1) / 2
        for j, b in enumerate(traces):
            lo, hi = max(a.x0, b.x0), min(a.x1, b.x1)
            if i == j or hi <= lo or b.x1 - b.x0 < 0.5 * (a.x1 - a.x0):
                continue
            x = (lo + hi) / 2 if not (b.x0 <= mid_a <= b.x1) else mid_a
            gap = abs(a.y_at(x) - b.y_at(x))
            if gap > 2 and not gap >= pitches[i]:
                pitches[i] = gap
    typical = _typical(traces, pitches) if np.isfinite(pitches).any() else 20.0
    return np.where(np.isfinite(pitches), np.minimum(pitches, 2 * typical), typical)


def _typical(traces: list[Trace], pitches: np.ndarray) -> float:
    """The page's line pitch: the length-weighted median of the known pitches.

    Short pieces (whose pitch is the distance to their own line) count little.
    """
    known = np.flatnonzero(np.isfinite(pitches))
    order = known[np.argsort(pitches[known])]
    weights = np.array([traces[i].x1 - traces[i].x0 + 1 for i in order])
    middle = int(np.searchsorted(np.cumsum(weights), weights.sum() / 2))
    return float(pitches[order[middle]])


def _bridged(a: Trace, b: Trace, body: np.ndarray, pitch: float, height: float) -> bool:
    """Whether b belongs to a's line: level with it, overlapping, or line body across the gap."""
    gap = b.x0 - a.x1
    if gap > 2.5 * pitch:
        return False
    if gap <= 0:  # b starts over a: one line if level where they meet
        return bool(abs(a.y_at(b.x0) - b.ys[0]) <= 0.3 * pitch)
    if abs(a.ys[-1] - b.ys[0]) > 0.3 * pitch:
        return False
    xs = np.arange(int(a.x1), int(b.x0) + 1)
    if len(xs) == 0 or gap <= height:  # a word gap: level is enough
        return True
    ys = np.interp(xs, [a.x1, b.x0], [a.ys[-1], b.ys[0]]) - 0.4 * height  # mid x-height
    inside = body[np.clip(ys.astype(int), 0, body.shape[0] - 1), xs]
    return bool(inside.mean() >= 0.7)


def _body_height(traces: list[Trace], body: np.ndarray, pitch: float) -> float:
    """Typical height of the line body above the baseline (letters, not leading)."""
    heights = []
    for trace in traces:
        x = int((trace.x0 + trace.x1) / 2)
        y = round(trace.y_at(x))
        column = body[max(y - int(pitch), 0) : max(y, 0), x][::-1]
        heights.append(int(np.argmin(column)) if not column.all() else len(column))
    return float(np.median(heights)) if heights else pitch


def _merged(a: Trace, b: Trace) -> Trace:
    """One trace through the columns of both (where both have a column, their mean)."""
    xs = np.concatenate([a.xs, b.xs])
    ys = np.concatenate([a.ys, b.ys])
    columns, inverse = np.unique(xs, return_inverse=True)
    sums = np.bincount(inverse, weights=ys)
    return Trace(columns, sums / np.bincount(inverse))


def _join(traces: list[Trace], body: np.ndarray, pitch: np.ndarray, height: float) -> list[Trace]:
    """Join the fragments of each line, left to right (``height``: of the letters)."""
    order = sorted(range(len(traces)), key=lambda i: traces[i].x0)
    joined: list[tuple[Trace, float]] = []
    for i in order:
        trace, p = traces[i], float(pitch[i])
        for k, (other, q) in enumerate(joined):
            # The longer trace's pitch: a short piece's nearest trace may be its own line.
            spacing = q if other.x1 - other.x0 >= trace.x1 - trace.x0 else p
            if _bridged(other, trace, body, spacing, height):
                joined[k] = (_merged(other, trace), spacing)
                break
        else:
            joined.append((trace, p))
    return [t for t, _ in joined]


def _local_fit(xs: np.ndarray, ys: np.ndarray, window: int) -> np.ndarray:
    """Each point's height from a straight line fitted to the points within ``window`` columns.

    Unlike a moving average, this keeps the slope at the ends of a trace, where
    the drawn baseline's rounded caps would bend it.
    """
    kernel = np.ones(2 * window + 1)
    origin = xs - xs.mean()

    def windowed(values: np.ndarray) -> np.ndarray:
        summed: np.ndarray = ndimage.convolve1d(values, kernel, mode="constant", cval=0.0)
        return summed

    n, sx, sy = windowed(np.ones_like(xs)), windowed(origin), windowed(ys)
    sxx, sxy = windowed(origin * origin), windowed(origin * ys)
    denominator = n * sxx - sx * sx
    slope = np.where(np.abs(denominator) > 1e-9, (n * sxy - sx * sy) / np.where(
        np.abs(denominator) > 1e-9, denominator, 1.0), 0.0)  # fmt: skip
    intercept = (sy - slope * sx) / n
    fitted: np.ndarray = intercept + slope * origin
    return fitted


def _inside_band(piece: Trace, line: Trace, pitch: float, reach: float) -> bool:
    """Whether a trace lies in the band of a line at least twice as long.

    The band runs from a third of a pitch below the line's baseline to ``reach``
    pitches above it.
    """
    centre = (piece.x0 + piece.x1) / 2
    if line.x1 - line.x0 < 2 * (piece.x1 - piece.x0) or not line.x0 <= centre <= line.x1:
        return False
    above = line.y_at(centre) - float(np.mean(piece.ys))
    return -0.3 * pitch <= above <= reach * pitch


def _without_pieces(traces: list[Trace], pitch: float) -> list[Trace]:
    """Traces inside another line's band are part of that line.

    A trace shorter than a line pitch anywhere in the band, ascenders above
    and descenders below (a loop read as a baseline of its own); a longer one
    only within the line's letters, under 0.4 pitches above its baseline (a row
    of letter tops or bars): a line written between two others, as an
    interlinear addition is, stands higher.
    """
    kept = []
    for trace in traces:
        reach = 0.8 if trace.x1 - trace.x0 < pitch else 0.4
        hosts = (other for other in traces if other is not trace)
        if not any(_inside_band(trace, h, pitch, reach) for h in hosts):
            kept.append(trace)
    return kept


def _polyline(trace: Trace) -> np.ndarray:
    """The trace sampled every :data:`STEP` pixels (ends kept), smoothed by local line fits."""
    dense_x = np.arange(trace.x0, trace.x1 + 1)
    dense_y = _local_fit(dense_x, np.interp(dense_x, trace.xs, trace.ys), 2 * STEP)
    xs = np.unique(np.concatenate([np.arange(trace.x0, trace.x1, STEP), [trace.x1]]))
    return np.stack([xs, np.interp(xs, dense_x, dense_y)], axis=1)


def _outline(mask: np.ndarray) -> np.ndarray | None:
    """The outer contour of the largest blob of a mask, simplified; None if there is none."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)  # fmt: skip
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(largest) < 4:
        return None
    simple = cv2.approxPolyDP(largest, 1.0, True)[:, 0, :].astype(np.float64)
    return simple if len(simple) >= 3 else None


def _fallback(line: np.ndarray, height: float) -> np.ndarray:
    """A box around the baseline reaching the x-height above it and a third of it below."""
    x0, x1 = line[:, 0].min(), line[:, 0].max()
    y0, y1 = line[:, 1].min() - height, line[:, 1].max() + height / 3
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _points(array: np.ndarray, scale: float) -> Points:
    return tuple((float(x) / scale, float(y) / scale) for x, y in array)


def vectorise(
    probabilities: np.ndarray, scale: float, ink: np.ndarray | None = None
) -> list[FoundLine]:
    """Lines from the detector's maps (C × H × W probabilities) in page coordinates.

    ``ink`` (boolean, the maps' size) lets lines run together across a narrow
    gutter be split there (:func:`~layout.detector.gutters.split_at_gutters`).
    """
    baseline = probabilities[BASELINE] >= THRESHOLD
    body = probabilities[BODY] >= THRESHOLD
    traces = _traces(baseline)
    if not traces:
        return []
    fragments = _pitch(traces)
    traces = _join(traces, body, fragments, _body_height(traces, body, float(np.median(fragments))))
    typical = _typical(traces, _pitch(traces))
    least = min(typical, MIN_HEIGHTS * _body_height(traces, body, typical))
    traces = [t for t in traces if t.x1 - t.x0 >= least] or traces
    traces = _without_pieces(traces, typical)
    if ink is not None:
        traces = split_at_gutters(traces, ink, typical)
    pitch = _pitch(traces)
    polylines = [_polyline(t) for t in traces]
    markers = np.zeros(body.shape, np.int32)
    for index, (line, p) in enumerate(zip(polylines, pitch, strict=True), start=1):
        centre = (line - (0, 0.3 * p)).round().astype(np.int32)
        cv2.polylines(markers, [centre], False, index, thickness=1)
    distance, (near_y, near_x) = ndimage.distance_transform_edt(markers == 0, return_indices=True)
    owner = markers[near_y, near_x]
    reach = np.zeros(len(polylines) + 1)
    reach[1:] = 0.8 * pitch
    owner[~(body | (markers > 0)) | (distance > reach[owner])] = 0
    found = []
    for index, (line, p) in enumerate(zip(polylines, pitch, strict=True), start=1):
        x0, x1 = int(line[0, 0]), int(line[-1, 0]) + 1
        mask = np.zeros_like(body)
        mask[:, x0:x1] = owner[:, x0:x1] == index
        outline = _outline(mask)
        degraded = outline is None
        polygon = _fallback(line, 0.5 * p) if outline is None else outline
        found.append(FoundLine(_points(line, scale), _points(polygon, scale), degraded))
    return found
