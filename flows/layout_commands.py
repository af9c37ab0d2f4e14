"""``archive-ocr train layout`` and the detector evaluation that it shares with ``bench segment``.

Ground truth: PAGE-XML or ALTO pages with their images (``../shared/data/pages``).
Validation holds out whole documents (:data:`VALIDATION_DOCUMENTS`, the
split suggested in the data's README: two hands of CREMMA-MSS-18, one book of
the CREMMA print set, six works of VD-SBB). A page is scored the way a user
meets it: loaded by our loader, preprocessed (binarize, page area, deskew,
orientation), segmented, mapped back to the scan, and matched against the
ground truth at IoU ≥ 0.5 (``archive-ocr eval``'s line F1). Every reference
line left unmatched is counted as missed, and every line whose outline fell
back to a box as degraded.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import torch
import typer

from flows.files import ground_truth_pages
from flows.page_layout import analyse_layout, to_scan
from flows.segmentation import Segmenter, SegmenterSettings
from layout.detector.network import DetectorConfig
from layout.detector.training import (
    TrainSettings,
    load_sample,
    split_by_document,
    train,
)
from layout.detector.weights import load_detector, save_detector
from layout.evaluation import LineMatch, RoleCounts, compare_pages, role_scores
from layout.images.loading import load_first_page
from layout.images.preprocess import PreprocessSettings
from layout.xmlio import read_document

VALIDATION_DOCUMENTS = (
    "journal-mme-de-genlis", "le-sallon-de-1767-denis-diderot",  # cremma_mss18: two hands
    "lat_bnf-bpt6k533863",  # cremma_16_17_print: one book
    "730277879_82603893X_1795000200", "angezelug_729714144", "briedefra_788606417",
    "chiamerk_766680207", "ejngerez_821874276", "goskeinf_781556694",  # vd_sbb: six works
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageScore:
    """One validation page: line counts, lost and degraded lines, seconds spent."""

    name: str
    match: LineMatch
    degraded: int
    preprocess_s: float
    segment_s: float
    roles: RoleCounts = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        """Plain form for the benchmark file."""
        return {"page": self.name, "reference": self.match.reference,
                "predicted": self.match.predicted, "hits": self.match.hits,
                "missed": self.match.reference - self.match.hits, "degraded": self.degraded,
                "preprocess_s": round(self.preprocess_s, 3),
                "segment_s": round(self.segment_s, 3)}  # fmt: skip


def score_page(xml: Path, image: Path, segmenter: Segmenter) -> PageScore:
    """Segment one ground-truth page as a run would, and match it against the truth."""
    page = load_first_page(image.read_bytes())
    started = time.perf_counter()
    analysed = analyse_layout(page, PreprocessSettings(), segmenter)
    total = time.perf_counter() - started
    preprocessing = sum(analysed.done.timings.values())
    result = to_scan(analysed.page, analysed.done.transform, page, image.name, "")
    match, roles, _ = compare_pages(result, read_document(xml))
    return PageScore(xml.stem, match, analysed.degraded_lines, preprocessing,
                     total - preprocessing, roles)  # fmt: skip


def score_pages(pairs: Sequence[tuple[Path, Path]], segmenter: Segmenter) -> Iterator[PageScore]:
    """:func:`score_page` over many pages."""
    for xml, image in pairs:
        yield score_page(xml, image, segmenter)


def summarise(scores: Sequence[PageScore]) -> dict[str, Any]:
    """Totals over pages: precision, recall, F1, lost and degraded lines, seconds per page.

    ``region_roles``: per role, how matched lines' region roles agree with the truth's.
    """
    total = sum((s.match for s in scores), LineMatch(0, 0, 0))
    roles: RoleCounts = sum((s.roles for s in scores), Counter())
    count = max(len(scores), 1)
    return {"pages": len(scores), "precision": round(total.precision, 4),
            "recall": round(total.recall, 4), "f1": round(total.f1, 4),
            "reference_lines": total.reference, "missed_lines": total.reference - total.hits,
            "degraded_lines": sum(s.degraded for s in scores),
            "segment_s_per_page": round(sum(s.segment_s for s in scores) / count, 3),
            "preprocess_s_per_page":
                round(sum(s.preprocess_s for s in scores) / count, 3),
            "region_roles": role_scores(roles)}  # fmt: skip


def validation_split(
    folders: Sequence[Path], held_out: Sequence[str] = VALIDATION_DOCUMENTS
) -> tuple[list[tuple[Path, Path]], list[tuple[Path, Path]]]:
    """Training and validation pages of the ground-truth folders."""
    return split_by_document(ground_truth_pages(folders), held_out)


def train_layout(folders: Sequence[Path], out: Path, config: DetectorConfig,
                 settings: TrainSettings, name: str, *, start: Path | None = None,
                 held_out: Sequence[str] = VALIDATION_DOCUMENTS) -> dict[str, Any]:  # fmt: skip
    """Train a detector (or fine-tune ``start``), save it (float16), score it on held-out pages."""
    training, validation = validation_split(folders, held_out)
    initial = load_detector(start).model if start is not None else None
    if initial is not None:
        config = initial.config
    samples = [load_sample(xml, image, config.size) for xml, image in training]
    checkpoint = out.with_suffix(".ckpt.safetensors")

    def keep(model: torch.nn.Module, step: int, loss: float) -> None:
        save_detector(model, checkpoint, name, dtype=torch.float32,  # type: ignore[arg-type]
                      extra={"step": step, "loss": loss})  # fmt: skip

    model = train(samples, config, settings, keep, initial)
    sha = save_detector(model, out, name, extra={"training_pages": len(training)})
    scores = list(score_pages(validation, Segmenter(SegmenterSettings("detector", out))))
    return {"model": str(out), "sha256": sha, "training_pages": len(training),
            "validation": summarise(scores)}  # fmt: skip


DATA_PAGES = Path("../shared/data/pages")
DEFAULT_FOLDERS = [DATA_PAGES / "cremma_mss18", DATA_PAGES / "cremma_16_17_print",
                   DATA_PAGES / "vd_sbb_train"]  # fmt: skip


def train_layout_command(
    *,
    out: Annotated[Path, typer.Option("-o", "--out", help="Weights file to write.")],
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data", help="Ground-truth page folders (default: the three in ../shared/data)."
        ),
    ] = None,
    steps: Annotated[int, typer.Option(help="Training steps (batches of crops).")] = 1500,
    batch: Annotated[int, typer.Option(help="Crops per step.")] = 8,
    size: Annotated[int, typer.Option(help="Long side of the page for the network.")] = 1024,
    learning_rate: float = 2e-3,
    threads: Annotated[int, typer.Option(help="CPU threads for torch (0: its default).")] = 0,
    seed: int = 0,
    name: Annotated[str, typer.Option(help="Model name stored in the weights.")] = "lines-small",
    hold_out: Annotated[
        list[str] | None,
        typer.Option(
            help="Name prefix of a document to validate on (default: the README's split)."
        ),
    ] = None,
    start: Annotated[
        Path | None,
        typer.Option(
            help="Fine-tune this detector (e.g. the shipped one) instead of starting afresh."
        ),
    ] = None,
) -> None:
    """Train the baseline/line detector; score it on held-out documents (line F1, IoU ≥ 0.5)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = TrainSettings(steps=steps, batch=batch, learning_rate=learning_rate,
                             seed=seed, threads=threads)  # fmt: skip
    config = DetectorConfig(size=size)
    report = train_layout(data or DEFAULT_FOLDERS, out, config, settings, name, start=start,
                          held_out=hold_out or VALIDATION_DOCUMENTS)  # fmt: skip
    out.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    figures = report["validation"]
    typer.echo(f"validation: F1 {figures['f1']:.3f} (P {figures['precision']:.3f}, "
               f"R {figures['recall']:.3f}) on {figures['pages']} pages; "
               f"weights {out} sha256 {report['sha256']}")  # fmt: skip
