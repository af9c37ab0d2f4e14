"""``archive-ocr bench preprocess``: deskew accuracy and preprocessing speed, beside peers.

The benchmark is built from ground-truth pages (``../shared/data/pages``)
whose XML has baselines. Each page is rotated by a random known angle and
re-encoded in one of the archive formats, then loaded by our loader; our skew
detection and the ``deskew`` and ``jdeskew`` packages (when installed) each
estimate the correction on the same pixels. Two errors are reported:

- ``relative``: the estimate on the rotated page minus the estimate on the
  original, against the applied angle (what a method adds by the rotation);
- ``absolute``: the estimate against the truth from the ground-truth
  baselines (length-weighted median baseline angle, plus the applied angle).
  That truth is itself uncertain: hand-drawn baselines scatter, so each page's
  standard error is reported beside it (``truth_uncertainty``).

``absolute_precise_truth`` is the same on the pages whose truth has a
standard error of at most :data:`PRECISE_TRUTH`. ``relative`` is the error
against the known rotation that the issue's targets name; ``absolute`` cannot
fall much below the truth's own scatter.

Speed is measured on one core on a 5000×7000 greyscale page (a real page
scaled up): binarize, page area, skew detection and rotation for us, skew
detection alone for the peers, best of three runs.
"""

from __future__ import annotations

import io
import math
import os
import platform
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from layout.document import Page
from layout.geometry import weighted_median
from layout.images.binarize import binarize, otsu
from layout.images.deskew import rotate
from layout.images.loading import load_first_page
from layout.images.page_area import find_page_area
from layout.images.preprocess import page_skew
from layout.xmlio import read_document

Estimator = Callable[[np.ndarray, float], float | None]
PRECISE_TRUTH = 0.1  # degrees: pages whose truth is known this well get their own figure
FORMATS = ("jpeg", "png", "tiff-lzw", "tiff-g4", "jpeg2000", "webp")


def ours(grey: np.ndarray, dpi: float) -> float:
    """Our preprocessing's skew estimate: binarize, page area, projection profiles."""
    return page_skew(binarize(grey, dpi), find_page_area(grey))


def ours_with_rotation(grey: np.ndarray, dpi: float) -> float:
    """:func:`ours` plus the rotation of the page: the whole deskew, for timing."""
    angle = ours(grey, dpi)
    rotate(grey, angle)
    return angle


def peers() -> dict[str, Estimator]:
    """The peer estimators that are installed (``pip install archive-ocr[bench]``)."""
    found: dict[str, Estimator] = {}
    try:
        from deskew import determine_skew  # noqa: PLC0415  (optional: the bench extra)

        found["deskew"] = lambda grey, _dpi: _float(determine_skew(grey))
    except ImportError:
        pass
    try:
        from jdeskew.estimator import get_angle  # noqa: PLC0415  (optional: the bench extra)

        found["jdeskew"] = lambda grey, _dpi: _float(get_angle(grey))
    except ImportError:
        pass
    return found


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class TextAngle:
    """A page's text angle from its ground-truth baselines, and how sure that is."""

    angle: float
    """Length-weighted median of the baselines' angles (degrees, CCW positive)."""
    uncertainty: float
    """Standard error of that median from the lines' spread (1.25 σ / √n): hand-drawn
    baselines of one printed page, parallel in truth, spread by about 0.25°."""


def baseline_angle(page: Page) -> TextAngle | None:
    """The text angle of a page with at least three long, roughly level baselines."""
    angles, weights = [], []
    for line in page.lines():
        if not line.baseline or len(line.baseline) < 2:
            continue
        (x0, y0), (x1, y1) = line.baseline[0], line.baseline[-1]
        length = math.hypot(x1 - x0, y1 - y0)
        if length > 50 and abs(x1 - x0) > abs(y1 - y0):
            angles.append(math.degrees(math.atan2(-(y1 - y0), x1 - x0)))
            weights.append(length)
    if len(angles) < 3:
        return None
    median = weighted_median(angles, weights)
    spread = math.sqrt(float(np.average((np.asarray(angles) - median) ** 2, weights=weights)))
    return TextAngle(median, 1.2533 * spread / math.sqrt(len(angles)))


def encode(grey: np.ndarray, fmt: str) -> bytes:
    """The page in one of the archive formats."""
    image = Image.fromarray(grey)
    choices: dict[str, dict[str, Any]] = {
        "jpeg": {"format": "JPEG", "quality": 90},
        "png": {"format": "PNG"},
        "tiff-lzw": {"format": "TIFF", "compression": "tiff_lzw"},
        "jpeg2000": {"format": "JPEG2000", "quality_mode": "rates", "quality_layers": [20]},
        "webp": {"format": "WEBP", "quality": 90},
    }
    options = choices.get(fmt, {})
    if fmt == "tiff-g4":
        image = Image.fromarray(otsu(grey)).convert("1")
        options = {"format": "TIFF", "compression": "group4"}
    buffer = io.BytesIO()
    image.save(buffer, dpi=(300, 300), **options)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Sample:
    """One benchmark page: its scan, the truth, and the applied rotation."""

    name: str
    grey: np.ndarray
    text_angle: TextAngle


def samples(data: Path, count: int) -> Iterator[Sample]:
    """Up to ``count`` pages with baselines, spread evenly over the data folders."""
    pairs = sorted(p for p in data.rglob("*.xml") if p.with_suffix(".jpg").exists())
    usable = []
    for xml in pairs:
        truth = baseline_angle(read_document(xml))
        if truth is not None:
            usable.append((xml, truth))
    step = max(1, len(usable) // max(count, 1))
    for xml, truth in usable[::step][:count]:
        grey = np.asarray(Image.open(xml.with_suffix(".jpg")).convert("L"))
        yield Sample(xml.stem, grey, truth)


def _stats(errors: list[float], failures: int) -> dict[str, Any]:
    arr = np.abs(np.asarray(errors)) if errors else np.zeros(0)
    if not len(arr):
        return {"n": 0, "failures": failures}
    return {
        "n": len(arr),
        "failures": failures,
        "median": float(np.median(arr)),
        "p95": float(np.percentile(arr, 95)),
        "max": float(arr.max()),
    }


def _timed(estimate: Estimator, grey: np.ndarray, dpi: float) -> tuple[float | None, float]:
    start = time.perf_counter()
    value = estimate(grey, dpi)
    return value, time.perf_counter() - start


def accuracy(data: Path, count: int, seed: int) -> dict[str, Any]:
    """Relative and absolute skew errors of every method over the sample pages."""
    methods: dict[str, Estimator] = {"archive-ocr": ours, **peers()}
    rng = np.random.default_rng(seed)
    errors: dict[str, dict[str, list[float]]] = {
        m: {"relative": [], "absolute": [], "absolute_precise_truth": []} for m in methods
    }
    failures = dict.fromkeys(methods, 0)
    seconds = {m: 0.0 for m in methods}
    pages, uncertainty = [], []
    for n, sample in enumerate(samples(data, count)):
        applied = float(rng.uniform(-10, 10))
        fmt = FORMATS[n % len(FORMATS)]
        paper = int(np.median(sample.grey))
        scan = load_first_page(encode(rotate(sample.grey, applied, fill=paper), fmt))
        truth = -(sample.text_angle.angle + applied)
        uncertainty.append(sample.text_angle.uncertainty)
        row: dict[str, Any] = {
            "page": sample.name,
            "format": fmt,
            "applied": applied,
            "truth": truth,
            "truth_uncertainty": sample.text_angle.uncertainty,
        }
        for name, estimate in methods.items():
            before, _ = _timed(estimate, sample.grey, 300.0)
            after, took = _timed(estimate, scan.pixels, scan.dpi)
            seconds[name] += took
            row[name] = after
            if before is None or after is None:
                failures[name] += 1
                continue
            errors[name]["relative"].append(after - before + applied)
            errors[name]["absolute"].append(after - truth)
            if sample.text_angle.uncertainty <= PRECISE_TRUTH:
                errors[name]["absolute_precise_truth"].append(after - truth)
        pages.append(row)
    return {
        "pages": len(pages),
        "truth_uncertainty_median": float(np.median(uncertainty)) if uncertainty else None,
        "methods": {
            name: {
                **{kind: _stats(values, failures[name]) for kind, values in errors[name].items()},
                "mean_seconds_per_page": seconds[name] / max(len(pages), 1),
            }
            for name in methods
        },
        "per_page": pages,
    }


def speed(data: Path, repeats: int = 3) -> dict[str, Any]:
    """Seconds on one core for a 5000×7000 page: ours (binarize + skew), peers (skew)."""
    first = next(iter(sorted(data.rglob("*.jpg"))))
    big = cv2.resize(np.asarray(Image.open(first).convert("L")), (5000, 7000))
    methods: dict[str, Estimator] = {"archive-ocr": ours_with_rotation, **peers()}
    result: dict[str, Any] = {"page": f"{first.name} scaled to 5000x7000", "seconds": {}}
    for name, estimate in methods.items():
        times = [_timed(estimate, big, 600.0)[1] for _ in range(repeats)]
        result["seconds"][name] = min(times)
    base = result["seconds"]["archive-ocr"]
    result["peer_time_over_ours"] = {
        name: t / base for name, t in result["seconds"].items() if name != "archive-ocr"
    }
    return result


def run_benchmark(data: Path, count: int, seed: int) -> dict[str, Any]:
    """The whole benchmark, JSON-ready; OpenCV is held to one thread throughout."""
    cv2.setNumThreads(1)
    return {
        "benchmark": "preprocess",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "seed": seed,
        "accuracy": accuracy(data, count, seed),
        "speed_5000x7000_one_core": speed(data),
    }
