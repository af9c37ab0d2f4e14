"""The self-attention block between CNN and LSTM: added to a trained model, then trained."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from recognition.codec import Codec
from recognition.model import LineRecognizer, ModelConfig, with_attention
from recognition.training import adopt_weights
from recognition.weights import LoadedModel
from recognition.widen import widen
from tests.factories import with_learned_norms

CODEC = Codec(["a", "b", "c", "d", "e"])
PLAIN = ModelConfig(classes=CODEC.classes, channels=(8, 8, 16, 16, 16), hidden=12)


def trained_plain() -> LoadedModel:
    """A model without attention whose weights and norms are not the initial ones."""
    torch.manual_seed(5)
    model = LineRecognizer(PLAIN)
    with_learned_norms(model)
    return LoadedModel(model.eval(), CODEC, "0" * 64, "plain")


def test_a_block_added_to_a_trained_model_reads_as_it_did_then_learns() -> None:
    start = trained_plain()
    model = LineRecognizer(with_attention(PLAIN, 4))
    adopt_weights(model, start, CODEC)
    images, widths = torch.rand(3, 1, 48, 140), torch.tensor([140, 96, 30])
    images[1, :, :, 96:] = images[2, :, :, 30:] = 0  # a padded batch, as the predictor builds
    with torch.inference_mode():
        before, after = start.model(images, widths), model.eval()(images, widths)
    assert torch.allclose(before["log_probs"], after["log_probs"], atol=1e-6)

    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    out = model(images, widths, torch.tensor([1, 2, 3, 4, 5, 1]), torch.tensor([2, 2, 2]))
    out["loss"].backward()
    optimizer.step()
    assert model.attention is not None and model.attention.attention.out_proj.weight.abs().sum() > 0
    with torch.inference_mode():
        trained = model.eval()(images, widths)
    assert not torch.allclose(before["log_probs"], trained["log_probs"], atol=1e-3)


def test_a_block_keeps_its_heads_and_splits_the_features_evenly() -> None:
    assert with_attention(PLAIN, None) == PLAIN
    assert with_attention(PLAIN, 0) == PLAIN
    with_four = with_attention(PLAIN, 4)
    assert with_four.attention_heads == 4 and with_attention(with_four, 4) == with_four
    assert ModelConfig.from_json(with_four.to_json()) == with_four
    with pytest.raises(ValueError, match="4 heads, which stays"):
        with_attention(with_four, 8)
    with pytest.raises(ValueError, match="4 heads, which stays"):
        with_attention(with_four, 0)
    with pytest.raises(ValueError, match="48 frame features must split evenly"):
        with_attention(PLAIN, 5)


def test_a_model_with_attention_neither_grows_nor_starts_one_without() -> None:
    with_block = LineRecognizer(with_attention(PLAIN, 2))
    with pytest.raises(ValueError, match="without a self-attention block"):
        widen(with_block, replace(PLAIN, hidden=16, attention_heads=2))
    with pytest.raises(ValueError, match="architecture differs"):
        start = LoadedModel(with_block, CODEC, "0" * 64, "with block")
        adopt_weights(LineRecognizer(PLAIN), start, CODEC)
