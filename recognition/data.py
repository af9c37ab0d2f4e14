"""Line datasets: folders of ``<id>.png`` (or .jpg, .tif) with ``<id>.gt.txt``, and batching.

A :class:`LineSample` is a greyscale line image and its text; datasets are
plain lists of them or of their paths, so that synthetic lines, lines cut
from ground-truth pages (by ``flows``) and line folders mix freely.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from recognition.bidi import reorder
from recognition.codec import Codec
from recognition.lines import normalize_line, pad_batch

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")


@dataclass(frozen=True, slots=True)
class LineSample:
    """A greyscale line image (uint8, ink dark) and its transcription (NFC)."""

    image: np.ndarray
    text: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class LineFile:
    """A line image on disk and its transcription, loaded on demand."""

    image_path: Path
    text: str

    def load(self) -> LineSample:
        """Read the image as greyscale."""
        with Image.open(self.image_path) as image:
            grey = np.asarray(image.convert("L"))
        return LineSample(grey, self.text, str(self.image_path))


def find_line_files(root: Path) -> list[LineFile]:
    """Every ``<id>.gt.txt`` under ``root`` with an image of the same id, sorted by path.

    The transcription is the file's first line, NFC; lines with empty text are skipped.
    """
    found = []
    for gt in sorted(root.rglob("*.gt.txt")):
        stem = gt.name[: -len(".gt.txt")]
        image = next(
            (gt.with_name(stem + s) for s in IMAGE_SUFFIXES if gt.with_name(stem + s).exists()),
            None,
        )
        text = gt.read_text(encoding="utf-8").split("\n", 1)[0].strip()
        if image is not None and text:
            found.append(LineFile(image, unicodedata.normalize("NFC", text)))
    return found


Augment = Callable[[np.ndarray, np.random.Generator], np.ndarray]


class LineDataset(torch.utils.data.Dataset[tuple[np.ndarray, list[int], str]]):
    """Normalised line images with their labels, optionally augmented."""

    def __init__(
        self,
        items: Sequence[LineSample | LineFile],
        codec: Codec,
        height: int,
        augment: Augment | None = None,
        seed: int = 0,
    ) -> None:
        self.items = list(items)
        self.codec = codec
        self.height = height
        self.augment = augment
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> tuple[np.ndarray, list[int], str]:
        return self.sample(index, self.rng)

    def sample(self, index: int, rng: np.random.Generator) -> tuple[np.ndarray, list[int], str]:
        """Line ``index`` normalised, augmented with draws from ``rng``, and its labels."""
        item = self.items[index]
        sample = item.load() if isinstance(item, LineFile) else item
        image = sample.image
        if self.augment is not None:
            image = self.augment(image, rng)
        # CTC reads left to right: right-to-left text is learnt in display order.
        label = self.codec.encode(reorder(sample.text))
        return normalize_line(image, self.height), label, sample.text


@dataclass(frozen=True, slots=True)
class Batch:
    """A padded batch with concatenated CTC targets."""

    images: torch.Tensor
    widths: torch.Tensor
    targets: torch.Tensor
    target_lengths: torch.Tensor
    texts: list[str]


def collate(items: Sequence[tuple[np.ndarray, list[int], str]]) -> Batch:
    """Pad images and concatenate label sequences for ``ctc_loss``."""
    images, widths = pad_batch([image for image, _, _ in items])
    labels = [label for _, labels, _ in items for label in labels]
    return Batch(
        images,
        widths,
        torch.tensor(labels, dtype=torch.long),
        torch.tensor([len(labels) for _, labels, _ in items], dtype=torch.long),
        [text for _, _, text in items],
    )


def batches(
    dataset: LineDataset,
    size: int,
    shuffle: bool,
    rng: np.random.Generator,
    loader: Executor | None = None,
) -> Iterator[Batch]:
    """Batches in random (or given) order; each holds lines of similar width when shuffled.

    Shuffled epochs sort random chunks of ``50 * size`` lines by width before
    cutting them into batches, so padding stays small while order stays random.
    Each line is augmented with a generator of its own, seeded from ``rng``, so
    the batches are the same whether ``loader`` (threads: images decode and
    augment outside the GIL) loads the next chunk while this one trains or not.
    """
    order = rng.permutation(len(dataset)) if shuffle else np.arange(len(dataset))
    seeds = rng.integers(2**63 - 1, size=len(order))
    chunk = 50 * size
    starts = range(0, len(order), chunk)

    def jobs(start: int) -> list[tuple[int, np.random.Generator]]:
        pairs = zip(order[start : start + chunk], seeds[start : start + chunk], strict=True)
        return [(int(i), np.random.default_rng(int(seed))) for i, seed in pairs]

    if loader is None:
        for start in starts:
            items = [dataset.sample(*job) for job in jobs(start)]
            yield from _cut(items, size, shuffle, rng)
        return
    ahead = [loader.submit(dataset.sample, *job) for job in jobs(0)] if starts else []
    try:
        for n in range(len(starts)):
            current = ahead
            if n + 1 < len(starts):  # queued behind this chunk: loads while it trains
                ahead = [loader.submit(dataset.sample, *job) for job in jobs(starts[n + 1])]
            yield from _cut([future.result() for future in current], size, shuffle, rng)
    finally:  # an epoch of fixed steps stops mid-pass: what it queued is not loaded
        for future in ahead:
            future.cancel()


def _cut(
    items: list[tuple[np.ndarray, list[int], str]], size: int, shuffle: bool,
    rng: np.random.Generator,
) -> Iterator[Batch]:  # fmt: skip
    if shuffle:
        items.sort(key=lambda item: item[0].shape[1])
    groups = [items[i : i + size] for i in range(0, len(items), size)]
    if shuffle:
        rng.shuffle(groups)
    for group in groups:
        yield collate(group)
