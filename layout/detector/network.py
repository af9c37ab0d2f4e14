"""The line detector network: a small U-Net labelling baseline and line-body pixels.

A full-resolution stem keeps thin baselines sharp; four stride-2 stages
(1/2 … 1/16) with dilated convolutions at the bottom see several lines at once,
which is what tells a line from the gap between two; the decoder climbs back
with skip connections. Output: one logit per pixel and channel
(:data:`~layout.detector.targets.BASELINE`, :data:`~layout.detector.targets.BODY`).

Input: one channel, ink bright on a dark ground, normalised per page
(:func:`normalise`), both sides multiples of 16 (:func:`pad_to`).
:meth:`LineNet.for_inference` gives the same network with each BatchNorm folded
into its convolution and channels-last weights: the same maps, about 1.5 times
as fast on a CPU thread.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional
from torch.nn.utils.fusion import fuse_conv_bn_eval

from layout.detector.targets import CHANNELS

STRIDE = 16


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Architecture and input scale, stored with the weights."""

    size: int = 1024
    """Long side of the page, in pixels, as the network sees it."""
    stem: int = 8
    widths: tuple[int, ...] = (16, 32, 64, 96)
    outputs: int = CHANNELS

    def to_json(self) -> dict[str, object]:
        """Plain form for the model card and the weights' metadata."""
        return {**asdict(self), "widths": list(self.widths)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> DetectorConfig:
        """Inverse of :meth:`to_json`."""
        values = dict(data)
        values["widths"] = tuple(values["widths"])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


def _conv(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class LineNet(nn.Module):
    """U-Net over a page: logits for baseline and line-body pixels at the input's size."""

    def __init__(self, config: DetectorConfig) -> None:
        super().__init__()
        self.config = config
        widths = config.widths
        self.stem = _conv(1, config.stem)
        downs, cin = [], config.stem
        for width in widths:
            downs.append(nn.Sequential(_conv(cin, width, stride=2), _conv(width, width)))
            cin = width
        self.downs = nn.ModuleList(downs)
        self.context = nn.Sequential(_conv(cin, cin, dilation=2), _conv(cin, cin, dilation=4))
        ups = []
        skips = [config.stem, *widths[:-1]]
        for skip in reversed(skips):
            ups.append(_conv(cin + skip, max(skip, config.stem * 2)))
            cin = max(skip, config.stem * 2)
        self.ups = nn.ModuleList(ups)
        self.head = nn.Conv2d(cin, config.outputs, 1)

    def for_inference(self) -> LineNet:
        """An eval-mode copy whose conv-norm-ReLU blocks are one convolution and a ReLU."""
        net = copy.deepcopy(self).eval()
        for block in [m for m in net.modules() if isinstance(m, nn.Sequential)]:
            conv, norm = block[0], block[1] if len(block) > 1 else None
            if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d):  # a _conv block
                block[0], block[1] = fuse_conv_bn_eval(conv, norm), nn.Identity()
        # Module.to takes memory_format (PyTorch documents it; its type stubs leave it out).
        return net.to(memory_format=torch.channels_last)  # type: ignore[call-overload,no-any-return]

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """Logits (B, outputs, H, W) for a batch (B, 1, H, W) with H, W multiples of 16."""
        features = [self.stem(image)]
        for down in self.downs:
            features.append(down(features[-1]))
        x = self.context(features.pop())
        for up in self.ups:
            skip = features.pop()
            x = functional.interpolate(x, size=skip.shape[-2:], mode="bilinear",
                                       align_corners=False)  # fmt: skip
            x = up(torch.cat([x, skip], dim=1))
        logits: torch.Tensor = self.head(x)
        return logits


def normalise(grey: np.ndarray) -> np.ndarray:
    """Ink bright, paper near 0, whatever the paper tone and contrast (float32)."""
    paper = float(np.percentile(grey, 60))
    dark = float(np.percentile(grey, 1))
    span = max(paper - dark, 16.0)
    scaled = (paper - grey.astype(np.float32)) / np.float32(span)
    return np.asarray(np.clip(scaled, -1.0, 1.5), np.float32)


def pad_to(array: np.ndarray, multiple: int = STRIDE) -> np.ndarray:
    """Pad the last two axes with zeros (paper) up to multiples of ``multiple``."""
    height, width = array.shape[-2:]
    pad_h, pad_w = -height % multiple, -width % multiple
    widths = [(0, 0)] * (array.ndim - 2) + [(0, pad_h), (0, pad_w)]
    padded: np.ndarray = np.pad(array, widths)
    return padded
