"""Training batches: the same lines, augmentation and order whether threads load them or not."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

from recognition.codec import Codec
from recognition.data import LineDataset, LineSample, batches
from recognition.degrade import augmenter
from tests.factories import rendered_line

TEXTS = ["ab", "ba", "abba", "baab", "aab", "bba", "a b", "b ab"]


def epoch(loader: ThreadPoolExecutor | None, seed: int) -> list[torch.Tensor]:
    lines = [LineSample(rendered_line(t), t) for t in TEXTS * 20]  # 160 lines: 4 chunks of 40
    dataset = LineDataset(lines, Codec(list("ab ")), 48, augmenter(0.8, keep=0.0))
    return [b.images for b in batches(dataset, 2, True, np.random.default_rng(seed), loader)]


def test_threads_load_the_same_augmented_batches_in_the_same_order() -> None:
    alone = epoch(None, seed=3)
    with ThreadPoolExecutor(3) as loader:
        threaded = epoch(loader, seed=3)
        stopped = iter(batches(LineDataset([LineSample(rendered_line("ab"), "ab")] * 400,
                                           Codec(list("ab ")), 48), 2, True,
                               np.random.default_rng(0), loader))  # fmt: skip
        next(stopped)
        del stopped  # an epoch of fixed steps leaves mid-pass: its queued lines are dropped
    assert len(alone) == len(threaded) == 80
    assert all(torch.equal(a, b) for a, b in zip(alone, threaded, strict=True))
    other = epoch(None, seed=4)
    assert not all(a.shape == b.shape and torch.equal(a, b)
                   for a, b in zip(alone, other, strict=True))  # fmt: skip
