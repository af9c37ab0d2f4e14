"""The CNN-LSTM line recogniser: convolutional features, bidirectional LSTM, CTC output.

Input: a batch of greyscale line images of fixed height (48 px by default),
ink bright on a dark ground (``1 - grey/255``), padded on the right, with each
line's true width. The CNN halves the width twice (one output frame per four
pixels) and folds the height into features; optionally a self-attention
block (:mod:`recognition.attention`, ``attention_heads``) lets each frame see
the whole line; a BiLSTM reads the frames; a linear layer gives per-frame
log-probabilities over the codec's classes.
Each line of a padded batch is read as if it were alone: the convolutions
meet zeros past its width, and the attention and the LSTM read its own frames only
(:mod:`recognition.sequence`), so a line's text never depends on the lines
that share its batch.

One ``forward`` serves training and inference: it returns a dict with
``log_probs`` (T, B, C) and ``lengths`` (B,), and ``loss`` (mean CTC loss per
line) when targets are given. :meth:`LineRecognizer.for_inference` gives the
same network prepared for inference: each BatchNorm folded into the convolution
before it and the convolutions in channels-last layout, which run the CNN about
2.5 times as fast on a CPU thread and compute the same outputs.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, replace

import torch
from torch import nn
from torch.nn import functional
from torch.nn.utils.fusion import fuse_conv_bn_eval

from recognition.attention import FrameAttention
from recognition.sequence import read_lines

WIDTH_REDUCTION = 4


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """Architecture hyper-parameters, stored with the weights."""

    classes: int
    height: int = 48
    channels: tuple[int, ...] = (32, 64, 128, 128, 192)
    hidden: int = 256
    layers: int = 2
    dropout: float = 0.25
    attention_heads: int = 0
    """Heads of a self-attention block between CNN and LSTM (:mod:`recognition.attention`).

    0: none. The block's weights do not depend on it, so a trained block keeps its heads."""

    @property
    def frame_features(self) -> int:
        """Features per frame that the CNN gives the LSTM: channels times folded height."""
        return self.channels[-1] * (self.height // 16)

    def to_json(self) -> dict[str, object]:
        """Plain form for the model card and the weights' metadata."""
        return {**asdict(self), "channels": list(self.channels)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ModelConfig:
        """Inverse of :meth:`to_json`."""
        values = dict(data)
        values["channels"] = tuple(values["channels"])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


SIZES: dict[str, dict[str, object]] = {
    "base": {},
    "small": {"channels": (16, 32, 64, 64, 96), "hidden": 160},
}
"""Named architectures: ``small`` trains about three times faster on a CPU."""


def sized_config(classes: int, size: str = "base") -> ModelConfig:
    """The configuration of a named size for a codec with ``classes`` classes."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose from {', '.join(sorted(SIZES))}")
    return ModelConfig(classes=classes, **SIZES[size])  # type: ignore[arg-type]


def with_attention(config: ModelConfig, heads: int | None) -> ModelConfig:
    """``config`` with a self-attention block of ``heads`` heads; None: as it is.

    Raises:
        ValueError: if ``config`` has a block of other heads (its trained weights
            would be read differently), or the frame features do not split into ``heads``.
    """
    if heads is None or heads == config.attention_heads:
        return config
    if config.attention_heads:
        raise ValueError(f"the model has a self-attention block of {config.attention_heads} "
                         "heads, which stays as it is")  # fmt: skip
    if heads < 0 or (heads and config.frame_features % heads):
        raise ValueError(f"the model's {config.frame_features} frame features must split "
                         f"evenly into {heads} heads")  # fmt: skip
    return replace(config, attention_heads=heads)


def _block(c_in: int, c_out: int, pool: tuple[int, int] | None) -> list[nn.Module]:
    layers: list[nn.Module] = [
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    ]
    if pool is not None:
        layers.append(nn.MaxPool2d(pool, pool))
    return layers


class LineRecognizer(nn.Module):
    """CNN → BiLSTM → linear → log-softmax, trained with CTC (blank = 0)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        c = config.channels
        pools: list[tuple[int, int] | None] = [(2, 2), (2, 2), None, (2, 1), (2, 1)]
        layers: list[nn.Module] = []
        for c_in, c_out, pool in zip((1, *c[:-1]), c, pools, strict=True):
            layers += _block(c_in, c_out, pool)
        self.cnn = nn.Sequential(*layers)
        folded = config.frame_features
        self.dropout = nn.Dropout(config.dropout)
        self.attention = (
            FrameAttention(folded, config.attention_heads, config.dropout)
            if config.attention_heads
            else None
        )
        self.rnn = nn.LSTM(
            folded,
            config.hidden,
            num_layers=config.layers,
            bidirectional=True,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        self.classifier = nn.Linear(2 * config.hidden, config.classes)

    def for_inference(self) -> LineRecognizer:
        """An eval-mode copy with BatchNorm folded into the convolutions, channels-last."""
        folded = copy.deepcopy(self).eval()
        layers: list[nn.Module] = []
        for layer in folded.cnn:
            if isinstance(layer, nn.BatchNorm2d) and isinstance(layers[-1], nn.Conv2d):
                layers[-1] = fuse_conv_bn_eval(layers[-1], layer)
            else:
                layers.append(layer)
        folded.cnn = nn.Sequential(*layers)
        # Module.to takes memory_format (PyTorch documents it; its type stubs leave it out).
        return folded.to(memory_format=torch.channels_last)  # type: ignore[call-overload,no-any-return]

    def _features(
        self, images: torch.Tensor, widths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """CNN features and frame counts; each line's features as if it were alone.

        Every convolution but the first is fed zeros past each line's own width,
        what a line alone meets there (the convolutions' zero padding), so the
        padding that a wider line brings to a batch changes nothing a line reads.
        """
        valid = torch.clamp(widths.cpu(), min=WIDTH_REDUCTION)
        padded = bool((valid < images.shape[3]).any())
        features = images
        for layer in self.cnn:
            if padded and isinstance(layer, nn.Conv2d) and features is not images:
                features = _zero_past(features, valid)
            features = layer(features)
            if isinstance(layer, nn.MaxPool2d):
                kernel = layer.kernel_size
                valid = torch.div(valid, kernel[1] if isinstance(kernel, tuple) else kernel,
                                  rounding_mode="floor")  # fmt: skip
        return features, valid

    def forward(
        self,
        images: torch.Tensor,
        widths: torch.Tensor,
        targets: torch.Tensor | None = None,
        target_lengths: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Per-frame log-probabilities, frame counts, and the CTC loss when targets are given.

        Args:
            images: (B, 1, height, W) floats, ink high.
            widths: (B,) true widths in pixels before padding.
            targets: concatenated label sequences (no blanks).
            target_lengths: (B,) length of each line's labels.
        """
        features, lengths = self._features(images, widths)  # (B, C, H', W/4)
        b, c, h, w = features.shape
        frames = features.permute(3, 0, 1, 2).reshape(w, b, c * h)
        if self.attention is not None:
            frames = self.attention(frames, lengths)
        frames = read_lines(self.rnn, self.dropout(frames), lengths)
        log_probs = functional.log_softmax(self.classifier(self.dropout(frames)), dim=-1)
        out = {"log_probs": log_probs, "lengths": lengths.to(images.device)}
        if targets is not None and target_lengths is not None:
            out["loss"] = functional.ctc_loss(
                log_probs.float(),
                targets,
                lengths,
                target_lengths,
                blank=0,
                reduction="mean",
                zero_infinity=True,
            )
        return out


def _zero_past(features: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) features with the columns past each line's ``valid`` width set to zero.

    Inference on a CPU zeroes only the padding, in place, line by line; a GPU
    (one kernel for the batch) and training (autograd) multiply by a mask.
    """
    training = torch.is_grad_enabled() and features.requires_grad
    if not training and not features.is_cuda:
        for line, width in enumerate(valid.tolist()):
            features[line, :, :, width:] = 0
        return features
    columns = torch.arange(features.shape[3])
    mask = (columns < valid[:, None]).to(features.device, features.dtype)[:, None, None, :]
    return features * mask if training else features.mul_(mask)
