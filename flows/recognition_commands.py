"""Recognition commands: train a recogniser, read a folder of line images.

``train recognition`` reads line folders (``<id>.png`` + ``<id>.gt.txt``),
holds out whole documents for validation (by folder, or by file-name prefix
for flat folders), builds the codec from the training text, and trains.
``read-lines`` writes ``OUT/<stem>.txt`` for every line image under a folder.
Every option that names a recogniser takes a ``.safetensors`` path or a
shipped model's name (:func:`recogniser_option`).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import typer

from flows.files import write_atomic
from layout.images.errors import ImageLoadError
from layout.images.loading import load_first_page
from recognition.codec import Codec
from recognition.data import IMAGE_SUFFIXES, LineFile, find_line_files
from recognition.language_model import usable_language_model
from recognition.models import usable_model_file
from recognition.predictor import Predictor, PredictorSettings
from recognition.weights import load_model


def recogniser_option(value: Path | None) -> Path | None:
    """Typer callback of a recogniser option: the model file it names, checked.

    A path, or a shipped model's bare name (``latin-base``); an option left out
    stays ``None``. A name no model ships under, or a path with no file, is a
    usage error (exit 2) that lists the shipped models, before any work starts;
    so is a file that is not a recogniser or is damaged (cut short).
    """
    if value is None:
        return None
    try:
        return usable_model_file(value)
    except (FileNotFoundError, ValueError) as err:
        raise typer.BadParameter(str(err)) from None


def language_model_option(value: Path | None) -> Path | None:
    """Typer callback of a ``--lm`` option: a file that loads as a character language model.

    A path, or a shipped language model's bare name (``latin-base``). A name no
    language model ships under, or a missing or damaged file, is a usage error
    (exit 2) before any line is read.
    """
    if value is None:
        return None
    try:
        return usable_language_model(value)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


def word_list_option(value: Path | None) -> Path | None:
    """Typer callback of a ``--lexicon`` option: a UTF-8 text file of words."""
    if value is None:
        return None
    try:
        value.read_text(encoding="utf-8")
    except OSError:
        raise typer.BadParameter(f"no word list at {value}") from None
    except UnicodeDecodeError as err:
        raise typer.BadParameter(f"{value} is not UTF-8 text ({err.reason})") from None
    return value


def split_holdout(
    files: list[LineFile], prefixes: list[str]
) -> tuple[list[LineFile], list[LineFile]]:
    """(train, validation): files whose name starts with a held-out prefix validate."""
    held = [f for f in files if f.image_path.name.startswith(tuple(prefixes))] if prefixes else []
    held_set = {f.image_path for f in held}
    return [f for f in files if f.image_path not in held_set], held


def gather(folders: list[Path]) -> list[LineFile]:
    """Line files of every folder, in order (a folder named twice, twice)."""
    return [f for folder in folders for f in find_line_files(folder)]


def distinct(files: list[LineFile]) -> list[LineFile]:
    """Each line once, in first order.

    Training draws a folder named twice twice as often; validation counts its
    lines once, so that its CER stays comparable between runs.
    """
    first: dict[Path, LineFile] = {}
    for line in files:
        first.setdefault(line.image_path.resolve(), line)
    return list(first.values())


def readable(files: list[LineFile]) -> tuple[list[LineFile], list[tuple[Path, str]]]:
    """(the files whose image loads, each other's path with the reason), in order.

    Training reads its lines again and again for hours; one that cannot be
    read is set aside before it starts rather than stopping it midway.
    """
    with ThreadPoolExecutor() as pool:  # Pillow decodes without the GIL
        reasons = list(pool.map(_unreadable_reason, (f.image_path for f in files)))
    kept = [f for f, reason in zip(files, reasons, strict=True) if reason is None]
    failed = [(f.image_path, r) for f, r in zip(files, reasons, strict=True) if r is not None]
    return kept, failed


def _unreadable_reason(path: Path) -> str | None:
    try:
        _load_line(path)
    except ImageLoadError as err:
        return str(err)
    return None


def build_codec(files: list[LineFile], start: Codec | None = None) -> Codec:
    """A codec of every grapheme in the training text, unknowns replaced at inference.

    Fine-tuning keeps the ``start`` model's symbols, in their order, and adds new ones.
    """
    found = Codec.from_texts((f.text for f in files), unknown="replace")
    if start is None:
        return found
    known = set(start.symbols)
    return Codec([*start.symbols, *(s for s in found.symbols if s not in known)], "replace")


def line_images(root: Path) -> Iterator[Path]:
    """Line images under a folder, sorted, skipping our own outputs."""
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
            yield path


@dataclass(slots=True)
class ReadReport:
    """What ``read-lines`` did: the texts it wrote, and each line image it could not read."""

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def _load_line(path: Path) -> np.ndarray:
    """A line image as greyscale pixels (its first page).

    Raises:
        ImageLoadError: empty, truncated, corrupt, oversized or not an image,
            or the file could not be read, with the reason in its message.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImageLoadError(f"cannot read the file: {err.strerror or err}") from err
    return load_first_page(data).pixels


def read_lines(
    root: Path, out_dir: Path, model_path: Path, settings: PredictorSettings, batch: int = 256
) -> ReadReport:
    """Recognise every line image under ``root``; writes ``out_dir/<relative stem>.txt``.

    An image that cannot be read is listed in the report with its reason, and
    gets no text file (an old one from an earlier run is removed, so none is
    left that does not belong to the image); every other line is read.
    """
    predictor = Predictor(load_model(model_path, settings.device), settings)
    report = ReadReport()
    paths = list(line_images(root))
    for start in range(0, len(paths), batch):
        chunk, images = [], []
        for path in paths[start : start + batch]:
            try:
                images.append(_load_line(path))
                chunk.append(path)
            except ImageLoadError as err:
                report.failed.append((path, str(err)))
                _target(root, out_dir, path).unlink(missing_ok=True)
        for path, result in zip(chunk, predictor.predict(images) if images else [], strict=True):
            target = _target(root, out_dir, path)
            write_atomic(target, (result.text + "\n").encode("utf-8"))
            report.written.append(target)
    return report


def _target(root: Path, out_dir: Path, path: Path) -> Path:
    return out_dir / path.relative_to(root).with_suffix(".txt")
