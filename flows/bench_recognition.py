"""``archive-ocr bench recognition``: accuracy and lines per second of a recogniser.

Accuracy: the model reads every line of the given folders (``<id>.png`` with
``<id>.gt.txt``), and of the held-out documents (by file-name prefix, as
``train recognition --holdout`` holds them out) in the folders it trained
on; CER and WER are reported raw and normalised (see
:mod:`recognition.normalization`), per folder and overall, greedy and, given
a language model, with beam search too. So one command gives a model card's
figures. Speed: lines per
second on the CPU with one thread and with all threads (in bfloat16 where the
CPU has bfloat16 instructions, and then in float32 too), and on the GPU in
bfloat16 when one is present, each over the same lines after a warm-up.
Tesseract, given one or more languages, reads the same lines as a peer
(:mod:`flows.tesseract`).
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from flows.recognition_commands import readable, split_holdout
from flows.tesseract import Tesseract
from recognition.data import LineFile, find_line_files
from recognition.hyphens import LineEndHyphen, text_with_line_end_hyphen
from recognition.metrics import EditCount, char_errors, word_errors
from recognition.normalization import normalize
from recognition.predictor import Predictor, PredictorSettings
from recognition.weights import LoadedModel, file_sha256, load_model

GPU_LINES = 8192
"""Lines read for the GPU figure: the speed lines again and again (one batch is over too soon)."""

LineSets = dict[str, list[LineFile]]
"""Lines to score, by the name they are reported under (the folder's path)."""


class BenchInputError(ValueError):
    """The lines to score cannot be gathered as asked."""


def line_sets(folders: list[Path], held_in: list[Path], holdout: list[str]) -> LineSets:
    """Every line of ``folders``; of each ``held_in`` folder, the held-out documents' lines.

    A held-in folder without any held-out line, or a prefix that no line
    starts with, is an error: a misspelt prefix must not score nothing. So is
    a line image that cannot be read: figures must cover the whole set.
    """
    if bool(held_in) != bool(holdout):
        raise BenchInputError("--held-in and --holdout go together: the folders the model "
                              "trained on, and the documents it did not")  # fmt: skip
    sets = {str(folder): find_line_files(folder) for folder in folders}
    held_names: list[str] = []
    for folder in held_in:
        _, held = split_holdout(find_line_files(folder), holdout)
        if not held:
            raise BenchInputError(f"no line of a held-out document in {folder}")
        sets[str(folder)] = held
        held_names += [f.image_path.name for f in held]
    if unmatched := [p for p in holdout if not any(n.startswith(p) for n in held_names)]:
        raise BenchInputError(f"no line starts with --holdout {', '.join(unmatched)}")
    if not any(sets.values()):
        raise BenchInputError("no lines to score (--lines or --held-in)")
    if failed := [f for files in sets.values() for f in readable(files)[1]]:
        named = "; ".join(f"{path}: {reason}" for path, reason in failed[:5])
        more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
        raise BenchInputError(f"{len(failed)} line images cannot be read, so the figures would "
                              f"not cover the set: {named}{more}")  # fmt: skip
    return sets


def _score(predicted: list[str], files: list[LineFile]) -> dict[str, Any]:
    chars = {"raw": EditCount(0, 0), "historical": EditCount(0, 0)}
    words = {"raw": EditCount(0, 0), "historical": EditCount(0, 0)}
    for text, item in zip(predicted, files, strict=True):
        for policy in ("raw", "historical"):
            pred, ref = normalize(text, policy), normalize(item.text, policy)
            chars[policy] += char_errors(pred, ref)
            words[policy] += word_errors(pred, ref)
    return {
        "lines": len(files),
        "chars": chars["raw"].length,
        "cer": chars["raw"].rate,
        "cer_normalized": chars["historical"].rate,
        "wer": words["raw"].rate,
        "wer_normalized": words["historical"].rate,
    }


def _speed(model: Path, images: list[Any], settings: PredictorSettings) -> float:
    """Lines per second of the network and decoding; scaling the lines is done beforehand.

    In a run the page threads (or layout processes) scale their own lines
    (:meth:`~recognition.predictor.Predictor.prepare`), not the recogniser's thread.
    """
    predictor = Predictor(load_model(model, settings.device), settings)
    prepared = predictor.prepare(images)
    predictor.predict_prepared(prepared[: min(32, len(images))])  # warm-up
    if settings.device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    predictor.predict_prepared(prepared)
    if settings.device.startswith("cuda"):
        torch.cuda.synchronize()
    return len(images) / (time.perf_counter() - start)


def _accuracy(sets: LineSets, read: Callable[[list[LineFile]], list[str]]) -> dict[str, Any]:
    """Scores of a reader (the texts of a set's lines, in order) per set and overall."""
    per_folder: dict[str, Any] = {}
    everything: list[LineFile] = []
    texts: list[str] = []
    for name, files in sets.items():
        predicted = read(files)
        per_folder[name] = _score(predicted, files)
        everything += files
        texts += predicted
    return {"overall": _score(texts, everything), "per_folder": per_folder}


def tesseract_figures(
    language: str, sets: LineSets, hyphen: LineEndHyphen | None = None
) -> dict[str, Any]:
    """Tesseract's accuracy on the same folders and its lines per second on one thread."""
    peer = Tesseract(language)
    peer.check()
    seconds = 0.0

    def theirs(files: list[LineFile]) -> list[str]:
        nonlocal seconds
        texts, took = peer.read_lines([f.image_path for f in files])
        seconds += took
        return [text_with_line_end_hyphen(text, hyphen) for text in texts]

    accuracy = _accuracy(sets, theirs)
    lines = accuracy["overall"]["lines"]
    return {
        "language": language,
        "version": peer.version(),
        "accuracy": accuracy,
        "lines_per_second_1_thread": lines / seconds if seconds else None,
    }


def _reader(
    predictor: Predictor, kept: list[Any] | None = None, keep: int = 0
) -> Callable[[list[LineFile]], list[str]]:
    """Reads lines with ``predictor``; the first ``keep`` images go into ``kept``."""

    def read(files: list[LineFile]) -> list[str]:
        images = [f.load().image for f in files]
        if kept is not None:
            kept.extend(images[: max(0, keep - len(kept))])
        return [r.text for r in predictor.predict(images)]

    return read


def _with_lm(
    loaded: LoadedModel, sets: LineSets, lm: Path, beam: int, hyphen: LineEndHyphen | None
) -> dict[str, Any]:
    """Accuracy with beam search and the language model ``lm``, and what it was."""
    settings = PredictorSettings(beam_width=beam, lm=lm, line_end_hyphen=hyphen)
    accuracy = _accuracy(sets, _reader(Predictor(loaded, settings)))
    return {
        "language_model": {"file": str(lm), "sha256": file_sha256(lm)},
        "beam_width": beam,
        "lm_weight": settings.lm_weight,
        "insertion_bonus": settings.insertion_bonus,
        "accuracy": accuracy,
    }


def run_benchmark(
    model: Path,
    sets: LineSets,
    *,
    speed_lines: int = 256,
    tesseract: tuple[str, ...] = (),
    lm: Path | None = None,
    beam: int = 8,
    line_end_hyphen: LineEndHyphen | None = None,
) -> dict[str, Any]:
    """Accuracy per set of lines and overall, and lines per second; JSON-ready.

    Given ``lm``, the lines are read again with a beam of ``beam`` and that
    language model. Each Tesseract language in ``tesseract`` reads the same
    lines beside us. With ``line_end_hyphen``, every reading (Tesseract's
    too) writes line-break hyphens with that sign (:mod:`recognition.hyphens`).
    """
    loaded = load_model(model)
    predictor = Predictor(loaded, PredictorSettings(line_end_hyphen=line_end_hyphen))
    images: list[Any] = []  # the first lines read, kept for the speed runs
    accuracy = _accuracy(sets, _reader(predictor, images, speed_lines))
    threads = torch.get_num_threads()
    speed: dict[str, Any] = {"lines": len(images), "cpu_precision": predictor.precision}
    for precision, suffix in ((predictor.precision, ""), ("float32", "_float32")):
        if suffix and precision == predictor.precision:
            break  # the CPU runs float32 anyway
        for count in (1, threads):
            name = f"cpu_{count}_thread{'s' if count > 1 else ''}{suffix}"
            speed[name] = _speed(model, images, PredictorSettings(threads=count,
                                                                  precision=precision))  # fmt: skip
    torch.set_num_threads(threads)
    if torch.cuda.is_available():
        gpu = PredictorSettings(device="cuda", precision="bfloat16", max_batch=512,
                                max_pixels=512 * 4096)  # fmt: skip
        many = images * -(-GPU_LINES // max(len(images), 1))  # a GPU needs many to be busy
        speed["gpu_bfloat16"] = _speed(model, many[:GPU_LINES], gpu)
        speed["gpu_lines"] = min(len(many), GPU_LINES)
        speed["gpu_name"] = torch.cuda.get_device_name()
    return {
        "benchmark": "recognition",
        "model": {"name": loaded.name, "sha256": loaded.sha256, "file": str(model)},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch": torch.__version__,
        },
        "line_end_hyphen": line_end_hyphen,
        "accuracy": accuracy,
        "with_language_model": _with_lm(loaded, sets, lm, beam, line_end_hyphen) if lm else None,
        "lines_per_second": speed,
        "tesseract": {lang: tesseract_figures(lang, sets, line_end_hyphen) for lang in tesseract},
    }
