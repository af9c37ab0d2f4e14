"""Binarization of greyscale pages: Sauvola, Wolf-Jolion and Otsu.

Local methods compute the window mean and standard deviation with box
filters on a block-averaged grid (see :func:`local_mean_std`) and compare the
page with the upsampled threshold map, so the cost is a few passes over the
pixels whatever the window. The window is derived from the resolution: about 0.1 inch, the height
of two to three lines of body text, odd and at least 15 pixels.

Output convention: ``uint8``, 0 for ink and 255 for paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

Method = Literal["sauvola", "wolf", "otsu"]

INK, PAPER = 0, 255
DEFAULT_K: dict[Method, float] = {"sauvola": 0.2, "wolf": 0.5, "otsu": 0.0}
WINDOW_INCHES = 0.1


@dataclass(frozen=True, slots=True)
class BinarizeSettings:
    """How to binarize: the method, and optional overrides of window and k."""

    method: Method = "sauvola"
    window: int | None = None
    k: float | None = None


def window_for_dpi(dpi: float) -> int:
    """An odd window of about :data:`WINDOW_INCHES`, at least 15 pixels."""
    size = max(15, round(dpi * WINDOW_INCHES))
    return size if size % 2 else size + 1


def _stats_scale(window: int) -> int:
    """Downscale factor at which the window spans about 15 pixels."""
    return max(1, window // 15)


def local_mean_std(grey: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Window mean and standard deviation, computed on a grid reduced by :func:`_stats_scale`.

    Both vary smoothly at the window's scale, so block averages lose nothing
    that matters and make the cost nearly independent of the window.
    """
    factor = _stats_scale(window)
    values: np.ndarray = grey.astype(np.float32)
    squares: np.ndarray = cv2.multiply(values, values)
    if factor > 1:
        size = (-(-grey.shape[1] // factor), -(-grey.shape[0] // factor))
        values = cv2.resize(values, size, interpolation=cv2.INTER_AREA)
        squares = cv2.resize(squares, size, interpolation=cv2.INTER_AREA)
    side = max(3, round(window / factor) | 1)
    mean = cv2.boxFilter(values, cv2.CV_32F, (side, side), borderType=cv2.BORDER_REFLECT)
    square = cv2.boxFilter(squares, cv2.CV_32F, (side, side), borderType=cv2.BORDER_REFLECT)
    return mean, cv2.sqrt(np.maximum(square - mean * mean, 0.0))


def _apply(grey: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Paper where the grey is above the (upsampled) threshold map, ink elsewhere.

    Grey levels are integers, so ``grey > t`` equals ``grey > floor(t)``: the map
    is floored to 8 bits before it is upsampled, which keeps the full-size work
    in bytes.
    """
    levels = np.clip(np.floor(threshold), 0, 255).astype(np.uint8)
    if levels.shape != grey.shape:
        levels = cv2.resize(levels, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.compare(grey, levels, cv2.CMP_GT)


def sauvola(grey: np.ndarray, window: int, k: float = 0.2, dynamic: float = 128.0) -> np.ndarray:
    """Sauvola: threshold = mean * (1 + k * (std / dynamic - 1))."""
    mean, std = local_mean_std(grey, window)
    return _apply(grey, mean * (1.0 + k * (std / dynamic - 1.0)))


def wolf(grey: np.ndarray, window: int, k: float = 0.5) -> np.ndarray:
    """Wolf-Jolion: Sauvola normalised by the page's darkest grey and largest local spread.

    threshold = mean - k * (1 - std / max_std) * (mean - min_grey)
    """
    mean, std = local_mean_std(grey, window)
    max_std = max(float(std.max()), 1e-6)
    darkest = float(grey.min())
    return _apply(grey, mean - k * (1.0 - std / max_std) * (mean - darkest))


def otsu(grey: np.ndarray) -> np.ndarray:
    """Otsu's global threshold."""
    _, binary = cv2.threshold(grey, 0, PAPER, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def binarize(grey: np.ndarray, dpi: float, settings: BinarizeSettings | None = None) -> np.ndarray:
    """Binarize a greyscale page by the settings (Sauvola with a dpi-derived window by default)."""
    settings = settings or BinarizeSettings()
    if settings.method == "otsu":
        return otsu(grey)
    window = settings.window or window_for_dpi(dpi)
    k = DEFAULT_K[settings.method] if settings.k is None else settings.k
    if settings.method == "wolf":
        return wolf(grey, window, k)
    return sauvola(grey, window, k)
