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
from pathlib import Path

import numpy as np
import typer
from PIL import Image

from flows.files import write_atomic
from recognition.codec import Codec
from recognition.data import IMAGE_SUFFIXES, LineFile, find_line_files
from recognition.models import model_file, shipped_names
from recognition.predictor import Predictor, PredictorSettings
from recognition.weights import load_model


def recogniser_option(value: Path | None) -> Path | None:
    """Typer callback of a recogniser option: the model file it names, checked.

    A path, or a shipped model's bare name (``latin-base``); an option left out
    stays ``None``. A name no model ships under, or a path with no file, is a
    usage error (exit 2) that lists the shipped models, before any work starts.
    """
    if value is None:
        return None
    try:
        path = model_file(value)
    except FileNotFoundError as err:
        raise typer.BadParameter(str(err)) from None
    if not path.is_file():
        raise typer.BadParameter(f"no model file at {path}; shipped: {shipped_names()}")
    return path


def split_holdout(
    files: list[LineFile], prefixes: list[str]
) -> tuple[list[LineFile], list[LineFile]]:
    """(train, validation): files whose name starts with a held-out prefix validate."""
    held = [f for f in files if f.image_path.name.startswith(tuple(prefixes))] if prefixes else []
    held_set = {f.image_path for f in held}
    return [f for f in files if f.image_path not in held_set], held


def gather(folders: list[Path]) -> list[LineFile]:
    """Line files of every folder, in order."""
    return [f for folder in folders for f in find_line_files(folder)]


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


def read_lines(
    root: Path, out_dir: Path, model_path: Path, settings: PredictorSettings, batch: int = 256
) -> Iterator[tuple[Path, str]]:
    """Recognise every line image under ``root``; writes ``out_dir/<relative stem>.txt``."""
    predictor = Predictor(load_model(model_path, settings.device), settings)
    paths = list(line_images(root))
    for start in range(0, len(paths), batch):
        chunk = paths[start : start + batch]
        images = []
        for path in chunk:
            with Image.open(path) as image:
                images.append(np.asarray(image.convert("L")))
        for path, result in zip(chunk, predictor.predict(images), strict=True):
            target = out_dir / path.relative_to(root).with_suffix(".txt")
            write_atomic(target, (result.text + "\n").encode("utf-8"))
            yield target, result.text
