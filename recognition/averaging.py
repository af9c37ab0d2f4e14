"""Weight averaging of recognisers fine-tuned from one another (a "model soup").

Two points of one fine-tuning run, or a stage and the release it started
from, often read held-out lines better averaged than either alone: the
shipped ``latin-base`` is such a mean (its card). Every floating-point tensor
is averaged, BatchNorm statistics included; integer tensors (BatchNorm's
step counters) are the first model's. Only models of one architecture and
one codec average: the same shapes alone do not make the same meaning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import torch

from recognition.weights import LoadedModel, load_model, read_metadata, save_model

DESCRIBES_ONE_RUN = ("format", "name", "config", "codec", "validation_cer", "epoch", "averaged")
"""Metadata that describes one file's training, not the mean: not carried over."""


def average_state(
    models: Sequence[LoadedModel], weights: Sequence[float]
) -> dict[str, torch.Tensor]:
    """Weighted mean of the models' tensors (``weights`` scaled to sum to 1).

    Raises:
        ValueError: fewer than two models, a weight count that does not match,
            a weight that is not positive and finite, or models whose
            architecture or codec differ.
    """
    if len(models) < 2:
        raise ValueError("averaging needs two models or more")
    if len(weights) != len(models):
        raise ValueError(f"{len(weights)} weights for {len(models)} models")
    if not all(math.isfinite(w) and w > 0 for w in weights):
        raise ValueError(f"weights must be positive: {list(weights)}")
    first = models[0]
    for other in models[1:]:
        if other.model.config != first.model.config:
            raise ValueError(f"{other.name} and {first.name} differ in architecture")
        if other.codec.to_json() != first.codec.to_json():
            raise ValueError(f"{other.name} and {first.name} differ in charset")
    total = sum(weights)
    states = [m.model.state_dict() for m in models]
    mean: dict[str, torch.Tensor] = {}
    for key, value in states[0].items():
        if value.is_floating_point():
            mean[key] = sum(w / total * s[key] for w, s in zip(weights, states, strict=True))
        else:
            mean[key] = value
    return mean


def average_files(
    paths: Sequence[Path],
    out: Path,
    *,
    weights: Sequence[float] | None = None,
    name: str | None = None,
) -> str:
    """Write the weighted mean of the model files to ``out``; returns its sha256.

    Equal weights unless given (they are scaled to sum to 1). The file keeps
    the first model's recorded line cut and names every source by sha256
    with its weight; the sources' validation figures describe them, not the
    mean, and are left out. ``name`` defaults to the first model's. The file
    is written whole or not at all (:func:`~recognition.weights.save_model`).

    Raises:
        ValueError: see :func:`average_state`, or a file that is not a recogniser.
        OSError: a file that cannot be read or written.
    """
    given = list(weights) if weights is not None else [1.0] * len(paths)
    models = [load_model(p) for p in paths]
    state = average_state(models, given)
    first = models[0]
    first.model.load_state_dict(state)
    total = sum(given)
    extra = {k: v for k, v in read_metadata(paths[0]).items() if k not in DESCRIBES_ONE_RUN}
    extra["averaged"] = [
        {"sha256": m.sha256, "weight": round(w / total, 6)}
        for m, w in zip(models, given, strict=True)
    ]
    return save_model(first.model, first.codec, out, name or first.name, extra=extra)
