"""``archive-ocr bench run``: end-to-end pages per second and accuracy on ground truth.

Runs the real flow over a folder of scans that have ground truth beside them
(``NAME.jpg`` with ``NAME.xml``, as in ``../shared/data/pages``), then scores
the PAGE outputs with ``archive-ocr eval``: CER/WER raw and normalised and line
detection F1, together with the run's throughput and how busy the recogniser was
(``busy_ratio``: the share of the run it spent recognising; near 1 means the page
workers keep it fed, so the CPU stages are not what a GPU waits on).

Then it lays the same pages out once more, alone (preprocessing, segmentation
and line cuts from ``workers`` threads, in ``layout_processes`` processes when
set): the lines per second the CPU stages can hand on, set against the lines
per second the recogniser reads while busy. ``feed_ratio`` ≥ 1 means the CPU
stages of this configuration outpace the recogniser, which then never waits.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import torch

from flows.evaluate import evaluate
from flows.pipeline import PagePipeline
from flows.run.settings import RunSettings
from layout.images.loading import load_first_page
from recognition.batching import ReaderStats


def layout_speed(pipeline: PagePipeline, scans: list[Path], workers: int) -> dict[str, Any]:
    """Pages and lines per second of the stages before recognition, from ``workers`` threads."""
    pages = [load_first_page(scan.read_bytes()) for scan in scans]
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as threads:
        laid = threads.map(pipeline.lay_out, pages, [None] * len(pages))
        lines = sum(len(page.cuts) for page in laid)
    seconds = time.perf_counter() - started
    return {"pages": len(pages), "lines": lines, "seconds": round(seconds, 3),
            "pages_per_second": round(len(pages) / seconds, 4),
            "lines_per_second": round(lines / seconds, 2)}  # fmt: skip


def run_benchmark(src: Path, settings: RunSettings, limit: int | None = None) -> dict[str, Any]:
    """Run the flow over ``src`` (at most ``limit`` scans) and score it; JSON-ready."""
    from flows.run.flow import run_flow  # noqa: PLC0415  (Prefect only when benchmarking runs)

    pipeline = settings.page_pipeline()
    reader = pipeline.reader
    reader.stats = ReaderStats()
    work = Path(tempfile.mkdtemp(prefix="archive-ocr-bench-"))
    try:
        scans = sorted(p for p in src.iterdir() if p.suffix.lower() in (".jpg", ".png", ".tif"))
        chosen = scans[:limit] if limit else scans
        inputs, truth = work / "in", work / "truth"
        inputs.mkdir()
        truth.mkdir()
        for scan in chosen:
            shutil.copy2(scan, inputs / scan.name)
            if scan.with_suffix(".xml").exists():
                shutil.copy2(scan.with_suffix(".xml"), truth / scan.with_suffix(".xml").name)
        summary = run_flow(str(inputs), str(work / "out"), settings)
        scores = evaluate(work / "out", truth)["summary"]
        layout = layout_speed(pipeline, chosen, settings.workers)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "benchmark": "run",
        "source": str(src),
        "pages": len(chosen),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        },
        "workers": settings.workers,
        "layout_processes": settings.layout_processes,
        "run": summary,
        "recogniser": reader.stats.summary(),
        "layout": layout,
        "feed_ratio": _feed_ratio(layout, reader.stats),
        "accuracy": scores,
    }


def _feed_ratio(layout: dict[str, Any], stats: ReaderStats) -> float | None:
    """Lines per second the CPU stages hand on over those the recogniser reads while busy."""
    if not stats.busy_s or not stats.lines:
        return None
    return round(float(layout["lines_per_second"]) / (stats.lines / stats.busy_s), 3)
