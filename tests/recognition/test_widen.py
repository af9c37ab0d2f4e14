"""Growing a trained recogniser to a wider size keeps what it reads, then trains the new parts."""

from __future__ import annotations

import pytest
import torch

from recognition.model import LineRecognizer, ModelConfig
from recognition.widen import widen

NARROW = ModelConfig(classes=7, channels=(4, 4, 8, 8, 8), hidden=6)
WIDE = ModelConfig(classes=7, channels=(8, 8, 16, 16, 12), hidden=10)


def trained_narrow() -> LineRecognizer:
    """A narrow model whose BatchNorm statistics and weights are not the initial ones."""
    torch.manual_seed(3)
    model = LineRecognizer(NARROW).train()
    images, widths = torch.rand(3, 1, 48, 96), torch.tensor([96, 64, 40])
    for _ in range(3):
        model(images, widths)
    return model.eval()


def test_the_grown_model_reads_every_line_of_a_batch_as_the_trained_one() -> None:
    narrow = trained_narrow()
    grown = widen(narrow, WIDE).eval()
    assert grown.config == WIDE
    torch.manual_seed(4)
    images, widths = torch.rand(3, 1, 48, 120), torch.tensor([120, 72, 36])
    with torch.inference_mode():
        before, after = narrow(images, widths), grown(images, widths)
    assert torch.equal(before["lengths"], after["lengths"])
    assert torch.allclose(before["log_probs"], after["log_probs"], atol=1e-6)


def test_training_brings_the_new_channels_and_units_in() -> None:
    grown = widen(trained_narrow(), WIDE).train()
    hidden = NARROW.hidden
    # what the old output reads from the new units starts at zero, and learns from step one
    assert not grown.classifier.weight[:, hidden : WIDE.hidden].any()
    optimizer = torch.optim.Adam(grown.parameters(), lr=1e-2)
    images, widths = torch.rand(2, 1, 48, 80), torch.tensor([80, 60])
    out = grown(images, widths, torch.tensor([1, 2, 3, 4]), torch.tensor([2, 2]))
    out["loss"].backward()
    optimizer.step()
    assert grown.classifier.weight[:, hidden : WIDE.hidden].abs().sum() > 0
    assert grown.rnn.weight_ih_l0[:, NARROW.channels[-1] * 3 :].abs().sum() > 0


@pytest.mark.parametrize(
    "config",
    [
        ModelConfig(classes=7, channels=(2, 4, 8, 8, 8), hidden=6),  # narrower convolution
        ModelConfig(classes=7, channels=(4, 4, 8, 8, 8), hidden=4),  # fewer units
        ModelConfig(classes=7, channels=(4, 4, 8, 8, 8), hidden=6, layers=3),
        ModelConfig(classes=7, channels=(4, 4, 8, 8, 8), hidden=6, height=64),
    ],
)
def test_a_model_grows_only_in_width(config: ModelConfig) -> None:
    with pytest.raises(ValueError, match="grow"):
        widen(trained_narrow(), config)
