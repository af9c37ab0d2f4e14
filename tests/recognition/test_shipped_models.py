"""Shipped models load without pickles and match their cards."""

from __future__ import annotations

import re

import pytest

from recognition.models import MODELS_DIR, shipped_model
from recognition.weights import file_sha256, load_model

SHIPPED = sorted(p.stem for p in MODELS_DIR.glob("*.safetensors"))


@pytest.mark.parametrize("name", SHIPPED)
def test_card_states_the_weights_checksum_and_size(name: str) -> None:
    path = shipped_model(name)
    card = (MODELS_DIR / f"{name}.md").read_text(encoding="utf-8")
    stated = re.search(r"sha256 \| `([0-9a-f]{64})`", card)
    assert stated is not None and stated.group(1) == file_sha256(path)
    assert path.stat().st_size < 25_000_000
    assert "Licence" in card or "licence" in card


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_model_loads_and_reads(name: str) -> None:
    import numpy as np

    from recognition.predictor import Predictor
    from tests.factories import rendered_line

    loaded = load_model(shipped_model(name))
    assert loaded.sha256 == file_sha256(shipped_model(name))
    (result,) = Predictor(loaded).predict([rendered_line("Hamburg")])
    assert 0.0 <= result.confidence <= 1.0
    assert isinstance(result.text, str)
    assert np.isfinite(result.confidence)


def test_unknown_model_name_lists_the_shipped_ones() -> None:
    with pytest.raises(FileNotFoundError, match="shipped"):
        shipped_model("no-such-model")
