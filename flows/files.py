"""Local file output that is written whole or not at all."""

from __future__ import annotations

import os
import tempfile
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
