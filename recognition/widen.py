"""Grow a trained recogniser into a wider architecture without changing what it reads.

A model trained at ``small`` size can go on training at ``base`` size from what
it has learnt instead of from scratch (Net2Net's idea, in its simplest form):
every convolution gets more channels and the LSTM more units per direction,
the trained weights are kept, the new channels and units start from a fresh
initialisation, and everything they send to what was there before starts at
zero. In evaluation mode the grown model computes exactly the log-probabilities
of the trained one; training then brings the new channels and units in, since
the weights out of them get gradients from the first step.

Both architectures must share the line height and the number of LSTM layers,
and the grown one must be at least as wide everywhere.
"""

from __future__ import annotations

from dataclasses import replace

import torch

from recognition.model import LineRecognizer, ModelConfig, sized_config
from recognition.weights import LoadedModel

GATES = 4
"""PyTorch stacks an LSTM's input, forget, cell and output gates in its weights."""


def widen(model: LineRecognizer, config: ModelConfig) -> LineRecognizer:
    """A copy of ``model`` grown to ``config`` (its number of classes kept), same outputs.

    Raises:
        ValueError: if ``config`` differs in height or layers, or is narrower anywhere.
    """
    old = model.config
    new_config = replace(config, classes=old.classes)
    _check(old, new_config)
    grown = LineRecognizer(new_config)
    source = model.state_dict()
    target = grown.state_dict()
    for key, value in source.items():
        target[key] = _place(key, value, target[key], old, new_config)
    grown.load_state_dict(target)
    return grown.train(model.training)


def _check(old: ModelConfig, new: ModelConfig) -> None:
    if old.attention_heads or new.attention_heads:
        raise ValueError("a model grows without a self-attention block (add one after)")
    if (old.height, old.layers) != (new.height, new.layers):
        raise ValueError("a model grows only in width: height and layers must stay the same")
    if (
        len(old.channels) != len(new.channels)
        or new.hidden < old.hidden
        or any(n < o for o, n in zip(old.channels, new.channels, strict=True))
    ):
        raise ValueError(
            f"cannot grow channels {list(old.channels)}, hidden {old.hidden} into "
            f"channels {list(new.channels)}, hidden {new.hidden}: every width must grow or stay"
        )


def _place(
    key: str, value: torch.Tensor, fresh: torch.Tensor, old: ModelConfig, new: ModelConfig
) -> torch.Tensor:
    """``fresh`` with the trained ``value`` at its old positions, zeros from new to old."""
    if value.dim() == 0:
        return value.clone()
    out_index = _out_positions(key, value.shape[0], old, new)
    placed = fresh.clone()
    if value.dim() == 1:
        placed[out_index] = value.to(placed.dtype)
        return placed
    in_index = _in_positions(key, value.shape[1], old, new)
    rows = torch.zeros_like(placed[out_index])  # what old rows receive from new ones: zero
    rows[:, in_index] = value.to(placed.dtype)
    placed[out_index] = rows
    return placed


def _out_positions(key: str, size: int, old: ModelConfig, new: ModelConfig) -> torch.Tensor:
    """Where a parameter's trained output rows go in the grown parameter."""
    if key.startswith("rnn."):
        units = torch.arange(old.hidden)
        return torch.cat([gate * new.hidden + units for gate in range(GATES)])
    return torch.arange(size)  # conv and BatchNorm channels, classifier classes: first ones


def _in_positions(key: str, size: int, old: ModelConfig, new: ModelConfig) -> torch.Tensor:
    """Where a weight's trained input columns go in the grown weight."""
    if key.startswith("rnn.weight_hh"):
        return torch.arange(old.hidden)
    first_layer = key in ("rnn.weight_ih_l0", "rnn.weight_ih_l0_reverse")
    if key == "classifier.weight" or (key.startswith("rnn.weight_ih") and not first_layer):
        # the two directions' outputs, concatenated: forward units, then backward ones
        units = torch.arange(old.hidden)
        return torch.cat([units, new.hidden + units])
    # conv input channels; the first LSTM layer's folded features, channel-major
    return torch.arange(size)


def grown_to(start: LoadedModel, size: str) -> LoadedModel:
    """``start`` grown to the named size (:data:`recognition.model.SIZES`), or as it is."""
    config = sized_config(start.model.config.classes, size)
    if config == start.model.config:
        return start
    return replace(start, model=widen(start.model, config))
