"""``archive-ocr bench segment``: line detection accuracy and speed, beside kraken.

The pages are the held-out documents of the layout split
(:data:`~flows.layout_commands.VALIDATION_DOCUMENTS`). Our trained detector and
our classical segmenter run as a run would run them (loader, preprocessing,
segmentation, back to scan coordinates) on one CPU thread, and where a GPU is
present the detector once more with its network there; kraken's default
baseline segmentation model (``kraken … segment -bl``, shipped in its wheel)
runs on the same image files, one thread, all pages in one call (its model
loading is spread over the pages). Every output is scored by the same line
matching at IoU ≥ 0.5; lines of the ground truth that no output line matches
are counted per page as ``missed``. Matched lines also compare their region
roles with the truth's (running title, page number, catchword, signature mark,
marginal note; :func:`layout.evaluation.role_scores`).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import torch
import typer

from flows.layout_commands import (
    DEFAULT_FOLDERS,
    VALIDATION_DOCUMENTS,
    PageScore,
    score_pages,
    summarise,
    validation_split,
)
from flows.segmentation import Segmenter, SegmenterSettings
from layout.evaluation import compare_pages
from layout.xmlio import read_document
from recognition.precision import cpu_runs_bfloat16

Pairs = Sequence[tuple[Path, Path]]


def kraken_scores(kraken: Path, pairs: Pairs, threads: int = 1) -> list[PageScore]:
    """Kraken's baseline segmentation of every page, in one call, scored like ours.

    Raises:
        RuntimeError: when kraken fails.
    """
    with tempfile.TemporaryDirectory(prefix="archive-ocr-kraken-") as work:
        outputs = [Path(work) / f"{n}.xml" for n in range(len(pairs))]
        command = [str(kraken), "--threads", str(threads), "-x"]
        for (_, image), output in zip(pairs, outputs, strict=True):
            command += ["-i", str(image), str(output)]
        started = time.perf_counter()
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        done = subprocess.run([*command, "segment", "-bl"], capture_output=True, text=True,
                              check=False, env=env)  # fmt: skip
        seconds = (time.perf_counter() - started) / max(len(pairs), 1)
        if done.returncode != 0:
            raise RuntimeError(f"kraken failed: {done.stderr[-2000:]}")
        scores = []
        for (xml, _), output in zip(pairs, outputs, strict=True):
            match, roles, _ = compare_pages(read_document(output), read_document(xml))
            scores.append(PageScore(xml.stem, match, 0, 0.0, seconds, roles))
    return scores


def _by_set(pairs: Pairs) -> dict[str, list[tuple[Path, Path]]]:
    groups: dict[str, list[tuple[Path, Path]]] = {}
    for xml, image in pairs:
        groups.setdefault(xml.parent.name, []).append((xml, image))
    return groups


def _report(scores: dict[str, list[PageScore]]) -> dict[str, Any]:
    everything = [s for group in scores.values() for s in group]
    return {"all": summarise(everything),
            **{name: summarise(group) for name, group in scores.items()},
            "pages": [s.to_json() for s in everything]}  # fmt: skip


def run_benchmark(folders: Sequence[Path], model: Path | None = None, kraken: Path | None = None,
                  kraken_pages: int = 3,
                  held_out: Sequence[str] = VALIDATION_DOCUMENTS) -> dict[str, Any]:  # fmt: skip
    """Score our detector, our classical segmenter and (when given) kraken; JSON-ready.

    kraken, some thirty seconds a page here, runs on the first ``kraken_pages``
    pages of each set, and ours are reported on those same pages beside it.
    """
    torch.set_num_threads(1)
    _, validation = validation_split(folders, held_out)
    sets = _by_set(validation)
    methods = {"detector": Segmenter(SegmenterSettings("detector", model)),
               "classic": Segmenter(SegmenterSettings("classic"))}  # fmt: skip
    if cpu_runs_bfloat16():  # the same pages with the detector's network in bfloat16
        in_bfloat16 = SegmenterSettings("detector", model, precision="bfloat16")
        methods["detector_bfloat16"] = Segmenter(in_bfloat16)
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else None
    if gpu is not None:  # the same pages with the detector's network on the GPU
        methods["detector_gpu"] = Segmenter(SegmenterSettings("detector", model, device="cuda"))
        methods["detector_gpu_bfloat16"] = Segmenter(
            SegmenterSettings("detector", model, device="cuda", precision="bfloat16")
        )
    report: dict[str, Any] = {"benchmark": "segment", "threads": 1,
                              "machine": {"cpus": os.cpu_count(), "gpu": gpu,
                                          "python": platform.python_version()}}  # fmt: skip
    results = {name: {s: list(score_pages(pairs, seg)) for s, pairs in sets.items()}
               for name, seg in methods.items()}  # fmt: skip
    for name, scores in results.items():
        report[name] = _report(scores)
    if kraken is not None:
        subset = {s: pairs[:kraken_pages] for s, pairs in sets.items()}
        chosen = [p for pairs in subset.values() for p in pairs]
        kraken_all = kraken_scores(kraken, chosen)
        names = {xml.stem for xml, _ in chosen}
        by_name = {s.name: s for s in kraken_all}
        report["kraken"] = _report({s: [by_name[x.stem] for x, _ in pairs]
                                    for s, pairs in subset.items()})  # fmt: skip
        report["same_pages_as_kraken"] = {
            name: summarise([p for group in scores.values() for p in group if p.name in names])
            for name, scores in results.items()
        }
    return report


def bench_segment_command(
    *,
    out: Annotated[Path, typer.Option(help="Where to write the figures.")] = Path(
        "out/bench-segment.json"
    ),
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data", help="Ground-truth page folders (default: the three in ../shared/data)."
        ),
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Detector weights (default: the shipped detector).")
    ] = None,
    kraken: Annotated[
        Path | None,
        typer.Option(help="kraken executable (7.x, in a virtual environment of its own)."),
    ] = None,
    kraken_pages: Annotated[int, typer.Option(help="Pages per set for kraken.")] = 3,
) -> None:
    """Line detection F1, lost lines and seconds per page: our detector, classical, kraken."""
    report = run_benchmark(data or DEFAULT_FOLDERS, model, kraken, kraken_pages)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    for method in (
        "detector",
        "detector_bfloat16",
        "detector_gpu",
        "detector_gpu_bfloat16",
        "classic",
        "kraken",
    ):
        if method in report:
            f = report[method]["all"]
            typer.echo(f"{method:9s} F1 {f['f1']:.3f} P {f['precision']:.3f} R {f['recall']:.3f} "
                       f"missed {f['missed_lines']}/{f['reference_lines']} "
                       f"degraded {f['degraded_lines']} "
                       f"{f['segment_s_per_page']:.2f} s/page")  # fmt: skip
    for method, f in report.get("same_pages_as_kraken", {}).items():
        typer.echo(f"{method:9s} on kraken's pages: F1 {f['f1']:.3f}, "
                   f"{f['segment_s_per_page']:.2f} s/page")  # fmt: skip
    roles = report["detector"]["all"]["region_roles"]
    typer.echo("detector region roles over matched lines (precision/recall): " + ", ".join(
        f"{name} {r['precision']:.2f}/{r['recall']:.2f} of {r['reference']}"
        for name, r in roles.items()))  # fmt: skip
    typer.echo(f"figures written to {out}")
