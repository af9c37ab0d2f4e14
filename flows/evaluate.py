"""``archive-ocr eval``: score predictions against ground truth, file by file.

Files pair by document stem (``NAME.page.xml``, ``NAME.alto.xml``,
``NAME.xml``; line transcriptions ``NAME.txt`` against ``NAME.gt.txt``). A
page's text is its lines in reading order joined by newlines; CER and WER are
reported raw (NFC only) and under the ``historical`` normalisation of
:mod:`recognition.normalization`. For XML on both sides, line detection is
scored too, and matched lines compare their region roles (running title, page
number, catchword, signature mark, marginal note). Page CER counts reading
order: a marginal note read before its paragraph instead of after it costs
its characters twice. ``cer_lines`` leaves order aside: lines matched by
outline (IoU ≥ 0.5) compare their texts, every character of a reference line
found by no predicted line is an error, and so is every character of a
predicted line matching none. A reference without a prediction counts as
wholly wrong: every reference character an error, every reference line
missed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.conversion import document_stem
from layout.document import Page
from layout.evaluation import LineMatch, RoleCounts, compare_pages, role_scores
from layout.xmlio import XMLFormatError, read_document
from recognition.metrics import EditCount, char_errors, word_errors
from recognition.normalization import Normalization, normalize

NORMALIZATIONS: tuple[Normalization, ...] = ("raw", "historical")
_PREFERENCE = (".page.xml", ".xml", ".alto.xml", ".gt.txt", ".txt")


class PairingError(ValueError):
    """Two files in one set claim the same document stem."""


class EvaluationError(ValueError):
    """The ground truth itself cannot be read."""


def _unreadable(path: Path) -> bool:
    try:
        load(path)
    except (OSError, UnicodeDecodeError, XMLFormatError):
        return True
    return False


def _rank(path: Path) -> int:
    return next((n for n, s in enumerate(_PREFERENCE) if path.name.endswith(s)), len(_PREFERENCE))


def index_files(root: Path, predictions: bool = False) -> dict[str, Path]:
    """Map document stems to files under ``root`` (or ``root`` itself).

    When one stem has several files, PAGE is preferred to ALTO and ground-truth
    text to plain text; two files of equal rank are an error. On the
    prediction side ``.gt.txt`` files are ground truth and skipped, so that
    predictions may lie beside their references.
    """
    candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    index: dict[str, Path] = {}
    for path in candidates:
        if not path.name.endswith((".xml", ".txt")):
            continue
        if predictions and path.name.endswith(".gt.txt"):
            continue
        stem = document_stem(path.name)
        if stem in index and _rank(index[stem]) == _rank(path):
            raise PairingError(f"two files for document {stem!r}: {index[stem]} and {path}")
        if stem not in index or _rank(path) < _rank(index[stem]):
            index[stem] = path
    return index


@dataclass(slots=True)
class Scores:
    """Summed error counts; rates derive from them."""

    chars: dict[str, EditCount] = field(
        default_factory=lambda: {n: EditCount(0, 0) for n in NORMALIZATIONS}
    )
    words: dict[str, EditCount] = field(
        default_factory=lambda: {n: EditCount(0, 0) for n in NORMALIZATIONS}
    )
    lines: LineMatch | None = None
    roles: RoleCounts = field(default_factory=Counter)
    line_chars: dict[str, EditCount] = field(
        default_factory=lambda: {n: EditCount(0, 0) for n in NORMALIZATIONS}
    )

    def add(self, other: Scores) -> None:
        """Add another file's counts to these."""
        for n in NORMALIZATIONS:
            self.chars[n] += other.chars[n]
            self.words[n] += other.words[n]
            self.line_chars[n] += other.line_chars[n]
        if other.lines is not None:
            self.lines = other.lines if self.lines is None else self.lines + other.lines
        self.roles += other.roles

    def as_dict(self) -> dict[str, Any]:
        """Rates and the counts behind them."""
        out: dict[str, Any] = {
            "cer": self.chars["raw"].rate,
            "cer_normalized": self.chars["historical"].rate,
            "wer": self.words["raw"].rate,
            "wer_normalized": self.words["historical"].rate,
            "char_errors": self.chars["raw"].errors,
            "chars": self.chars["raw"].length,
            "word_errors": self.words["raw"].errors,
            "words": self.words["raw"].length,
        }
        if self.lines is not None:
            m = self.lines
            out["lines"] = {
                "precision": m.precision,
                "recall": m.recall,
                "f1": m.f1,
                "hits": m.hits,
                "predicted": m.predicted,
                "reference": m.reference,
            }
            out["cer_lines"] = self.line_chars["raw"].rate
            out["cer_lines_normalized"] = self.line_chars["historical"].rate
            out["region_roles"] = role_scores(self.roles)
        return out


def load(path: Path) -> Page | str:
    """A PAGE/ALTO file as a Page, or a text file's text without its final newline."""
    if path.name.endswith(".txt"):
        return path.read_text(encoding="utf-8").rstrip("\n")
    return read_document(path)


def _text(doc: Page | str | None) -> str:
    if doc is None:
        return ""
    return doc if isinstance(doc, str) else doc.text()


def _line_errors(texts: list[tuple[str, str]], policy: Normalization) -> EditCount:
    """Character errors summed over (predicted, reference) line texts."""
    pairs = ((normalize(ours, policy), normalize(theirs, policy)) for ours, theirs in texts)
    return sum((char_errors(ours, theirs) for ours, theirs in pairs), EditCount(0, 0))


def score_pair(prediction: Path | None, reference: Path) -> Scores:
    """Scores of one prediction (None when missing) against its reference."""
    ref_doc = load(reference)
    pred_doc = load(prediction) if prediction is not None else None
    scores = Scores()
    for n in NORMALIZATIONS:
        ref, pred = normalize(_text(ref_doc), n), normalize(_text(pred_doc), n)
        scores.chars[n] = char_errors(pred, ref)
        scores.words[n] = word_errors(pred, ref)
    if isinstance(ref_doc, Page) and not isinstance(pred_doc, str):
        texts = [("", line.text or "") for line in ref_doc.lines()]
        scores.lines = LineMatch(0, 0, len(texts))
        if pred_doc is not None:
            scores.lines, scores.roles, texts = compare_pages(pred_doc, ref_doc)
        scores.line_chars = {n: _line_errors(texts, n) for n in NORMALIZATIONS}
    return scores


def evaluate(predictions: Path, references: Path) -> dict[str, Any]:
    """Score every reference document; the JSON-ready report with per-file figures."""
    preds, refs = index_files(predictions, predictions=True), index_files(references)
    total = Scores()
    files = []
    for stem, ref in sorted(refs.items()):
        pred = preds.get(stem)
        entry: dict[str, Any] = {"stem": stem, "prediction": str(pred) if pred else None}
        try:
            scores = score_pair(pred, ref)
        except (OSError, UnicodeDecodeError, XMLFormatError) as err:
            if pred is None or _unreadable(ref):
                raise EvaluationError(f"reference {ref} is unreadable: {err}") from err
            entry["error"] = f"prediction unreadable, scored as missing: {err}"
            scores = score_pair(None, ref)
        total.add(scores)
        files.append({**entry, "reference": str(ref), **scores.as_dict()})
    return {
        "summary": {
            "documents": len(refs),
            "missing_predictions": sum(1 for f in files if f["prediction"] is None),
            "unreadable_predictions": sum(1 for f in files if "error" in f),
            "unmatched_predictions": sorted(set(preds) - set(refs)),
            **total.as_dict(),
        },
        "normalization": {
            "raw": "Unicode NFC only",
            "historical": "see recognition.normalization: NFKC, ſ→s, ꝛ→r, aͤ→ä, hyphens, "
            "quotes, spaces",
        },
        "files": files,
    }
