"""Degradations of line images: what print and paper do to text (synthetic lines, augmentation).

Each step is vectorised (OpenCV, numpy) and drawn from the random generator
it is given, so a seed reproduces a line:

- ink spread or thinning (grey erosion or dilation),
- curved baseline and skew (one vertical displacement along the line),
- elastic distortion (smooth random displacement fields),
- blur,
- bleed-through (a faint mirrored copy of the ink, as from the page's back),
- paper texture (slow tone changes plus grain) and sensor noise.

:func:`degrade` applies them at a ``strength`` from 0 (nothing) to 1 (heavy);
:func:`augmenter` wraps it as the ``augment`` hook of training, where real
lines get a milder dose with some lines left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from recognition.data import Augment


@dataclass(frozen=True, slots=True)
class Degradation:
    """Upper limits of each step at strength 1."""

    spread_px: int = 1
    curve: float = 0.08
    """Largest baseline bow as a fraction of the line height."""
    skew_deg: float = 1.0
    elastic_px: float = 1.2
    blur_sigma: float = 0.9
    bleed: float = 0.18
    """Darkness of the bleed-through relative to the ink."""
    paper_tone: float = 18.0
    grain: float = 10.0


def _spread(image: np.ndarray, rng: np.random.Generator, limit: int) -> np.ndarray:
    size = int(rng.integers(0, limit + 1))
    if size == 0:
        return image
    kernel = np.ones((size + 1, size + 1), np.uint8)
    return cv2.erode(image, kernel) if rng.random() < 0.5 else cv2.dilate(image, kernel)


def _displace(image: np.ndarray, rng: np.random.Generator, settings: Degradation,
              strength: float) -> np.ndarray:  # fmt: skip
    """Curved baseline, skew and elastic distortion as one remap."""
    h, w = image.shape
    xs = np.arange(w, dtype=np.float32)
    bow = rng.uniform(-1, 1) * settings.curve * strength * h
    slope = np.tan(np.radians(rng.uniform(-1, 1) * settings.skew_deg * strength))
    shift = bow * np.sin(np.pi * xs / max(w - 1, 1)) + slope * (xs - w / 2)
    map_x = np.tile(xs, (h, 1))
    map_y = np.tile(np.arange(h, dtype=np.float32)[:, None], (1, w)) + shift[None, :]
    amount = settings.elastic_px * strength
    if amount > 0:
        map_x += _field(rng, h, w, amount)
        map_y += _field(rng, h, w, amount)
    return cv2.remap(image, map_x, map_y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def _field(rng: np.random.Generator, h: int, w: int, amount: float) -> np.ndarray:
    """A smooth random displacement of up to ``amount`` pixels."""
    coarse = rng.normal(0, 1, (max(h // 8, 2), max(w // 8, 2))).astype(np.float32)
    smooth = cv2.resize(cv2.GaussianBlur(coarse, (0, 0), 1.0), (w, h))
    return np.asarray(amount * smooth / (np.abs(smooth).max() + 1e-6), np.float32)


def _paper(ink: np.ndarray, rng: np.random.Generator, settings: Degradation,
           strength: float) -> np.ndarray:  # fmt: skip
    """Ink (0 paper .. 1 ink) laid on textured paper with bleed-through; uint8 grey."""
    h, w = ink.shape
    bleed = np.fliplr(np.roll(ink, int(rng.integers(-h // 4, h // 4 + 1)), axis=0))
    bleed = cv2.GaussianBlur(bleed, (0, 0), 1.5) * settings.bleed * strength * rng.random()
    coarse = rng.normal(0, 1, (max(h // 16, 2), max(w // 16, 2))).astype(np.float32)
    tone = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC) * settings.paper_tone
    paper = rng.uniform(200, 245) + strength * tone
    paper += rng.normal(0, settings.grain * strength, (h, w))
    dark = rng.uniform(10, 70)
    grey = paper * (1 - np.clip(ink + bleed, 0, 1)) + dark * np.clip(ink, 0, 1)
    return np.asarray(np.clip(grey, 0, 255), np.uint8)


def degrade(
    image: np.ndarray,
    rng: np.random.Generator,
    strength: float = 0.6,
    settings: Degradation | None = None,
) -> np.ndarray:
    """A degraded copy of a greyscale line (uint8, ink dark); same size."""
    settings = settings or Degradation()
    if strength <= 0:
        return image
    out = _spread(image, rng, round(settings.spread_px * strength))
    out = _displace(out, rng, settings, strength)
    ink = 1.0 - out.astype(np.float32) / 255.0
    ink = (ink - ink.min()) / max(float(ink.max() - ink.min()), 1e-6)
    sigma = rng.uniform(0, settings.blur_sigma * strength)
    if sigma > 0.1:
        ink = cv2.GaussianBlur(ink, (0, 0), sigma)
    return _paper(ink, rng, settings, strength)


def augmenter(strength: float = 0.35, keep: float = 0.3) -> Augment:
    """Training's augment hook: a random share ``keep`` of the lines stays as it is."""

    def augment(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if rng.random() < keep:
            return image
        return degrade(image, rng, strength * rng.uniform(0.3, 1.0))

    return augment
