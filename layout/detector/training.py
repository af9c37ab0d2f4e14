"""Training the line detector on ground-truth pages (PAGE-XML or ALTO beside each image).

Pages are split by document (the caller names held-out document prefixes), so
validation figures come from hands and books the model never saw. Each step
draws crops from random pages under a random scale (0.75–1.33) and rotation
(±3°), with contrast and noise jitter; the loss is binary cross-entropy on
both maps (baselines weighted up, being thin) plus a soft Dice term on the
baselines.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image
from torch.nn import functional

from layout.detector.network import DetectorConfig, LineNet, normalise
from layout.detector.targets import BASELINE, page_targets
from layout.xmlio import read_document

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sample:
    """One page at the network's scale: normalised image and target maps."""

    name: str
    image: np.ndarray  # float32 H × W
    maps: np.ndarray  # uint8 C × H × W


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """Hyper-parameters of a training run."""

    steps: int = 1200
    batch: int = 8
    crop: int = 384
    learning_rate: float = 2e-3
    baseline_weight: float = 4.0
    seed: int = 0
    threads: int = 0
    checkpoint_every: int = 100


def split_by_document(
    pairs: Sequence[tuple[Path, Path]], held_out: Sequence[str]
) -> tuple[list[tuple[Path, Path]], list[tuple[Path, Path]]]:
    """Training and validation pages: a page is held out when its name starts with a prefix."""
    train: list[tuple[Path, Path]] = []
    validation: list[tuple[Path, Path]] = []
    for pair in pairs:
        (validation if pair[0].stem.startswith(tuple(held_out)) else train).append(pair)
    return train, validation


def load_sample(xml: Path, image: Path, size: int) -> Sample:
    """A ground-truth page at the network's scale, with its targets."""
    grey = np.asarray(Image.open(image).convert("L"))
    small, maps = page_targets(read_document(xml), grey, size)
    return Sample(xml.stem, normalise(small), maps)


def _crop(sample: Sample, crop: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A randomly scaled and rotated crop of a page, image and maps alike."""
    height, width = sample.image.shape
    scale = math.exp(rng.uniform(math.log(0.75), math.log(1.33)))
    angle = math.radians(rng.uniform(-3, 3))
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    # output (u, v) -> page (x, y): rotate and scale about the crop's centre
    half = crop / 2
    matrix = np.array([[cos, -sin, cx - cos * half + sin * half],
                       [sin, cos, cy - sin * half - cos * half]])  # fmt: skip
    flags = cv2.WARP_INVERSE_MAP
    image = cv2.warpAffine(sample.image, matrix, (crop, crop), flags=flags | cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)  # fmt: skip
    maps = np.stack([cv2.warpAffine(m, matrix, (crop, crop), flags=flags | cv2.INTER_NEAREST)
                     for m in sample.maps])  # fmt: skip
    noise = rng.normal(0, rng.uniform(0, 0.08), (crop, crop)).astype(np.float32)
    jittered = np.asarray(image, np.float32) * rng.uniform(0.7, 1.3) + noise
    if rng.random() < 0.3:
        jittered = np.asarray(cv2.GaussianBlur(jittered, (0, 0), rng.uniform(0.5, 1.5)))
    return jittered.astype(np.float32), maps


def batch(samples: Sequence[Sample], settings: TrainSettings,
          rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
    """A training batch of crops from random pages."""
    crops = [_crop(samples[int(rng.integers(len(samples)))], settings.crop, rng)
             for _ in range(settings.batch)]  # fmt: skip
    images = torch.from_numpy(np.stack([c[0] for c in crops]))[:, None]
    maps = torch.from_numpy(np.stack([c[1] for c in crops])).float()
    return images, maps


def loss_of(logits: torch.Tensor, maps: torch.Tensor, baseline_weight: float) -> torch.Tensor:
    """Weighted BCE on every map plus soft Dice on the baselines."""
    weights = torch.ones(logits.shape[1], device=logits.device)
    weights[BASELINE] = baseline_weight
    bce = functional.binary_cross_entropy_with_logits(
        logits, maps, pos_weight=weights[None, :, None, None]
    )
    prob = torch.sigmoid(logits[:, BASELINE])
    target = maps[:, BASELINE]
    dice = 1 - (2 * (prob * target).sum() + 1) / (prob.sum() + target.sum() + 1)
    return bce + dice


def train(
    samples: Sequence[Sample],
    config: DetectorConfig,
    settings: TrainSettings,
    checkpoint: Callable[[LineNet, int, float], None] | None = None,
    start: LineNet | None = None,
) -> LineNet:
    """Train a detector; ``checkpoint(model, step, mean_loss)`` is called every so many steps.

    ``start``: a trained detector to fine-tune (its architecture wins over ``config``).
    """
    if settings.threads:
        torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    model = start if start is not None else LineNet(config)
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, settings.learning_rate, total_steps=settings.steps, pct_start=0.1
    )
    running, started = [], time.monotonic()
    for index in range(1, settings.steps + 1):
        model.train()
        images, maps = batch(samples, settings, rng)
        loss = loss_of(model(images), maps, settings.baseline_weight)
        optimiser.zero_grad()
        torch.autograd.backward(loss)
        optimiser.step()
        schedule.step()
        running.append(float(loss.detach()))
        if index % settings.checkpoint_every == 0 or index == settings.steps:
            mean = float(np.mean(running))
            log.info("step %d loss %.4f (%.1f s)", index, mean, time.monotonic() - started)
            if checkpoint is not None:
                checkpoint(model, index, mean)
            running = []
    return model.eval()
