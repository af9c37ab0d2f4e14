"""The recogniser's bidirectional LSTM over padded batches, each line read as if alone.

A batch pads its lines on the right to the widest. A plain bidirectional LSTM
reads the padding too: its backward direction starts at the end of the batch,
not at the end of each line, so what a line reads would depend on the lines
that share its batch (in a run, on the pages that happen to be in flight).
:func:`read_lines` reads each line over its own frames only, in one of two
forms that compute the same outputs with the same ``nn.LSTM`` weights:

- on a GPU, a packed batch (:func:`~torch.nn.utils.rnn.pack_padded_sequence`),
  which cuDNN reads natively;
- on a CPU, one LSTM pass per layer and direction (``torch.lstm``, the
  operator ``nn.LSTM`` calls), the backward one over each line reversed within
  its own length: as fast as the padded batch, where PyTorch's packed form
  trains at less than half the speed.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def reverse_within(frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """(T, B, F) frames with each line's first ``lengths[b]`` frames reversed, padding kept last."""
    steps = torch.arange(frames.shape[0], device=frames.device)[:, None]
    ends = lengths.to(frames.device)[None, :]
    index = torch.where(steps < ends, ends - 1 - steps, steps)
    return frames.gather(0, index[:, :, None].expand_as(frames))


def read_packed(rnn: nn.LSTM, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """A bidirectional, time-first ``rnn`` over each line's own frames; zeros past them."""
    packed = pack_padded_sequence(frames, lengths.cpu(), enforce_sorted=False)
    return pad_packed_sequence(rnn(packed)[0], total_length=frames.shape[0])[0]


def read_split(rnn: nn.LSTM, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """The same as :func:`read_packed`, one direction at a time; past each line: anything."""
    zeros = frames.new_zeros(1, frames.shape[1], rnn.hidden_size)
    for layer in range(rnn.num_layers):
        if layer:
            frames = functional.dropout(frames, rnn.dropout, rnn.training)
        ahead = torch.lstm(frames, (zeros, zeros), _weights(rnn, layer, ""), rnn.bias, 1,
                           0.0, rnn.training, False, False)[0]  # fmt: skip
        back = torch.lstm(reverse_within(frames, lengths), (zeros, zeros),
                          _weights(rnn, layer, "_reverse"), rnn.bias, 1, 0.0, rnn.training,
                          False, False)[0]  # fmt: skip
        frames = torch.cat([ahead, reverse_within(back, lengths)], dim=2)
    return frames


def read_lines(rnn: nn.LSTM, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """(T, B, 2 * hidden) outputs of a bidirectional ``rnn``, each line's from its frames alone.

    Args:
        rnn: a bidirectional, time-first LSTM without projections.
        frames: (T, B, F) inputs, lines padded on the right.
        lengths: (B,) each line's frame count.
    """
    if not rnn.bidirectional or rnn.batch_first or rnn.proj_size:
        raise ValueError("read_lines takes a bidirectional, time-first LSTM without projection")
    return (read_packed if frames.is_cuda else read_split)(rnn, frames, lengths)


def _weights(rnn: nn.LSTM, layer: int, suffix: str) -> list[torch.Tensor]:
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")[: 4 if rnn.bias else 2]
    return [getattr(rnn, f"{name}_l{layer}{suffix}") for name in names]
