"""The run manifest: one record per input page, kept under DST as the run goes.

Each page's record is written to ``DST/.archive-ocr/pages/<id>.json`` as soon
as the page is settled, so a run killed midway keeps what it finished and a
rerun can skip it. A page is skipped when its record says done for the same
input checksum, settings hash and model checksum, and every output it lists is
still there with the same checksum. At the end the records are gathered into
``DST/archive-ocr-manifest.json`` and a report for people,
``DST/archive-ocr-report.md``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from flows.storage import Storage
from flows.storage.base import ObjectMissingError, StorageError

Status = Literal["done", "skipped", "failed"]
STATE_PREFIX = ".archive-ocr/pages/"
MANIFEST_KEY = "archive-ocr-manifest.json"
REPORT_KEY = "archive-ocr-report.md"


@dataclass(slots=True)
class PageRecord:
    """What became of one page of one input."""

    input_key: str
    page: int
    status: Status
    reason: str | None = None
    input_sha256: str | None = None
    settings_hash: str | None = None
    model_sha256: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    lines: int = 0
    mean_confidence: float | None = None
    finished: str | None = None

    @property
    def record_key(self) -> str:
        """Where this page's record lives under DST."""
        return record_key(self.input_key, self.page)

    def to_json(self) -> bytes:
        """Canonical JSON bytes."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> PageRecord:
        """Inverse of :meth:`to_json`."""
        values: dict[str, Any] = json.loads(data)
        return cls(**values)


def record_key(input_key: str, page: int) -> str:
    """The record's key: a hash of the input key (any Unicode, any length) and the page."""
    digest = hashlib.sha256(input_key.encode()).hexdigest()[:32]
    return f"{STATE_PREFIX}{digest}-p{page}.json"


def previous_records(dst: Storage, input_key: str) -> list[PageRecord]:
    """Records of an input from earlier runs, page by page (empty if none)."""
    records = []
    for page in range(1, 100_000):
        try:
            records.append(PageRecord.from_json(dst.read(record_key(input_key, page))))
        except ObjectMissingError:
            break
    return records


def still_done(dst: Storage, records: list[PageRecord], input_sha256: str, settings_hash: str,
               model_sha256: str) -> bool:  # fmt: skip
    """Whether earlier records cover the input for these settings, outputs intact."""
    if not records:
        return False
    for record in records:
        if record.status not in ("done", "skipped") or (
            record.input_sha256,
            record.settings_hash,
            record.model_sha256,
        ) != (input_sha256, settings_hash, model_sha256):
            return False
        for key, sha in record.outputs.items():
            try:
                if dst.sha256(key) != sha:
                    return False
            except (ObjectMissingError, StorageError):
                return False
    return True


def summarize(records: list[PageRecord], seconds: float) -> dict[str, Any]:
    """Counts, throughput and mean confidence of a run."""
    counts = {s: sum(1 for r in records if r.status == s) for s in ("done", "skipped", "failed")}
    confidences = [r.mean_confidence for r in records if r.mean_confidence is not None]
    processed = counts["done"] + counts["failed"]
    return {
        "inputs": len({r.input_key for r in records}),
        "pages": len(records),
        **counts,
        "failure_ratio": counts["failed"] / processed if processed else 0.0,
        "seconds": round(seconds, 2),
        "pages_per_second": round(counts["done"] / seconds, 4) if seconds > 0 else None,
        "mean_confidence": sum(confidences) / len(confidences) if confidences else None,
        "lines": sum(r.lines for r in records),
    }


def report_markdown(summary: dict[str, Any], records: list[PageRecord], src: str, dst: str) -> str:
    """A report a person reads: counts, then every failed page with its reason."""
    lines = [
        "# archive-ocr run",
        "",
        f"- source: `{src}`",
        f"- destination: `{dst}`",
        f"- inputs: {summary['inputs']}; pages: {summary['pages']} — done {summary['done']}, "
        f"skipped (already done) {summary['skipped']}, failed {summary['failed']}",
        f"- lines: {summary['lines']}; mean confidence: "
        + (f"{summary['mean_confidence']:.3f}" if summary["mean_confidence"] is not None else "–"),
        f"- time: {summary['seconds']} s"
        + (f"; {summary['pages_per_second']} pages/s" if summary["pages_per_second"] else ""),
        "",
    ]
    failed = [r for r in records if r.status == "failed"]
    if failed:
        lines += ["## Failed pages", "", "| input | page | reason |", "|---|---|---|"]
        lines += [f"| `{r.input_key}` | {r.page} | {r.reason} |" for r in failed]
    return "\n".join(lines) + "\n"
