"""Each line of a padded batch is read over its own frames, in both forms of the BiLSTM."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from recognition.sequence import read_lines, read_packed, read_split, reverse_within


def test_reverse_within_reverses_each_line_and_keeps_its_padding_last() -> None:
    frames = torch.arange(5.0)[:, None, None].expand(5, 2, 1)  # two lines, frames 0..4
    reversed_ = reverse_within(frames, torch.tensor([5, 3]))
    assert reversed_[:, 0, 0].tolist() == [4, 3, 2, 1, 0]
    assert reversed_[:, 1, 0].tolist() == [2, 1, 0, 3, 4]
    assert torch.equal(reverse_within(reversed_, torch.tensor([5, 3])), frames)


def test_split_and_packed_forms_compute_the_same_outputs_and_gradients() -> None:
    torch.manual_seed(0)
    rnn = nn.LSTM(6, 5, num_layers=2, bidirectional=True)
    frames, lengths = torch.randn(9, 3, 6), torch.tensor([9, 4, 7])
    inside = (torch.arange(9)[:, None] < lengths[None, :])[:, :, None]
    results = []
    for read in (read_split, read_packed):
        rnn.zero_grad()
        out = read(rnn, frames, lengths)
        (out * inside).square().sum().backward()
        results.append((out * inside, [p.grad.clone() for p in rnn.parameters()]))
    (split, split_grads), (packed, packed_grads) = results
    assert torch.allclose(split, packed, atol=1e-6)
    pairs = zip(split_grads, packed_grads, strict=True)
    assert all(torch.allclose(a, b, atol=1e-5) for a, b in pairs)


def test_a_line_reads_the_same_alone_and_beside_a_longer_one() -> None:
    torch.manual_seed(1)
    rnn = nn.LSTM(4, 3, bidirectional=True).eval()
    line, longer = torch.randn(5, 1, 4), torch.randn(12, 1, 4)
    batch = torch.cat([torch.cat([line, torch.zeros(7, 1, 4)]), longer], dim=1)
    with torch.inference_mode():
        alone = read_lines(rnn, line, torch.tensor([5]))
        beside = read_lines(rnn, batch, torch.tensor([5, 12]))[:5, :1]
        plain = rnn(batch)[0][:5, :1]  # a plain LSTM reads the padding backwards into the line
    assert torch.allclose(alone, beside, atol=1e-6)
    assert not torch.allclose(alone, plain, atol=1e-3)


def test_only_a_bidirectional_time_first_lstm_is_taken() -> None:
    with pytest.raises(ValueError, match="bidirectional"):
        read_lines(nn.LSTM(4, 3), torch.randn(5, 1, 4), torch.tensor([5]))
