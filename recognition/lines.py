"""Line images to model input: fixed height, ink bright, padded batches."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import torch


def normalize_line(grey: np.ndarray, height: int) -> np.ndarray:
    """Scale a greyscale line (uint8, ink dark) to ``height`` and invert it to floats in [0, 1].

    The aspect ratio is kept; lines narrower than 8 pixels after scaling are
    widened to 8 so that every line yields at least two frames.
    """
    if grey.ndim == 3:
        grey = cv2.cvtColor(grey, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    width = max(8, round(w * height / max(h, 1)))
    interpolation = cv2.INTER_AREA if h > height else cv2.INTER_LINEAR
    scaled = cv2.resize(grey, (width, height), interpolation=interpolation)
    return 1.0 - scaled.astype(np.float32) / 255.0


def pad_batch(lines: Sequence[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack normalised lines into (B, 1, H, W_max), zero-padded on the right, and widths."""
    height = lines[0].shape[0]
    widths = [line.shape[1] for line in lines]
    batch = np.zeros((len(lines), 1, height, max(widths)), np.float32)
    for n, line in enumerate(lines):
        batch[n, 0, :, : line.shape[1]] = line
    return torch.from_numpy(batch), torch.tensor(widths, dtype=torch.long)


def width_batches(widths: Sequence[int], max_batch: int, max_pixels: int) -> list[list[int]]:
    """Indices grouped by similar width, so little padding is computed.

    A batch holds at most ``max_batch`` lines and ``max_pixels`` columns in all
    (lines x widest line).
    """
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        widest = max(widths[index], *(widths[i] for i in current)) if current else widths[index]
        if current and (len(current) >= max_batch or widest * (len(current) + 1) > max_pixels):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
