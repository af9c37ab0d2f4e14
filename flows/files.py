"""Local files: output written whole or not at all, and ground-truth pages found on disk."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np


def png_bytes(pixels: np.ndarray) -> bytes:
    """A greyscale or colour array encoded as PNG."""
    ok, encoded = cv2.imencode(".png", pixels)
    if not ok:
        raise ValueError("PNG encoding failed")
    return bytes(encoded.tobytes())


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    A crash leaves either the old file or the new one, never a torn file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ground_truth_pages(folders: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(xml, image) pairs: every ``NAME.xml`` with a ``NAME.jpg``/``.png``/``.tif`` beside it."""
    pairs = []
    for folder in folders:
        for xml in sorted(folder.rglob("*.xml")):
            image = next((xml.with_suffix(s) for s in (".jpg", ".png", ".tif")
                          if xml.with_suffix(s).exists()), None)  # fmt: skip
            if image is not None:
                pairs.append((xml, image))
    return pairs
