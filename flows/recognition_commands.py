"""Recognition commands: train a recogniser, read a folder of line images.

``train recognition`` reads line folders (``<id>.png`` + ``<id>.gt.txt``),
holds out whole documents for validation (by folder, or by file-name prefix
for flat folders), builds the codec from the training text, and trains.
``read-lines`` writes ``OUT/<stem>.txt`` for every line image under a folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from flows.files import write_atomic
from recognition.codec import Codec
from recognition.data import IMAGE_SUFFIXES, LineFile, find_line_files
from recognition.predictor import Predictor, PredictorSettings
from recognition.weights import load_model


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
