"""Self-attention over a line's frames, between the CNN and the LSTM.

The LSTM sees a line frame by frame; one self-attention block before it lets
every frame look at the whole line at once (the hand or type its other
letters are in, a word written twice). It is a pre-norm residual block:
``frames + dropout(attention(layer_norm(frames)))``, each line attending to
its own frames only (padding masked), so that, as everywhere in the model, a
line reads the same whatever shares its batch. Its output projection starts
at zero: a block added to a trained model leaves what the model reads
unchanged until training brings it in.
"""

from __future__ import annotations

import torch
from torch import nn


class FrameAttention(nn.Module):
    """Pre-norm residual multi-head self-attention over time-first frames."""

    def __init__(self, features: int, heads: int, dropout: float) -> None:
        super().__init__()  # heads that split the features: checked by model.with_attention
        self.norm = nn.LayerNorm(features)
        self.attention = nn.MultiheadAttention(features, heads, dropout=dropout)
        self.dropout = nn.Dropout(dropout)
        nn.init.zeros_(self.attention.out_proj.weight)
        nn.init.zeros_(self.attention.out_proj.bias)

    def forward(self, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(T, B, F) frames, each line's first ``lengths[b]`` frames attending to each other."""
        steps = torch.arange(frames.shape[0], device=frames.device)
        padding = steps[None, :] >= lengths.to(frames.device)[:, None]  # (B, T): True is padding
        normed = self.norm(frames)
        attended: torch.Tensor = self.attention(normed, normed, normed, key_padding_mask=padding,
                                                need_weights=False)[0]  # fmt: skip
        added: torch.Tensor = self.dropout(attended)
        return frames + added
