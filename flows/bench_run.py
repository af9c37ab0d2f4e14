"""``archive-ocr bench run``: end-to-end pages per second and accuracy on ground truth.

Runs the real flow over a folder of scans that have ground truth beside them
(``NAME.jpg`` with ``NAME.xml``, as in ``../shared/data/pages``), then scores
the PAGE outputs with ``archive-ocr eval``: CER/WER raw and normalised and line
detection F1, together with the run's throughput and how busy the recogniser was
(``busy_ratio``: the share of the run it spent recognising; near 1 means the page
workers keep it fed, so the CPU stages are not what a GPU waits on).
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch

from flows.evaluate import evaluate
from flows.run.settings import RunSettings
from recognition.batching import ReaderStats


def run_benchmark(src: Path, settings: RunSettings, limit: int | None = None) -> dict[str, Any]:
    """Run the flow over ``src`` (at most ``limit`` scans) and score it; JSON-ready."""
    from flows.run.flow import ocr_run  # noqa: PLC0415  (Prefect only when benchmarking runs)

    reader = settings.page_pipeline().reader
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
        summary = ocr_run(str(inputs), str(work / "out"), settings)
        scores = evaluate(work / "out", truth)["summary"]
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
        "accuracy": scores,
    }
