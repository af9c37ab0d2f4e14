"""Shipped models load without pickles and match their cards."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_the_default_model_writes_line_end_hyphens_as_asked() -> None:
    from recognition.predictor import Predictor, PredictorSettings
    from tests.factories import rendered_line

    loaded = load_model(shipped_model("latin-base"))
    images = [rendered_line("die Stadt-"), rendered_line("Nord-Amerika")]
    as_read = [r.text for r in Predictor(loaded).predict(images)]
    catmus = Predictor(loaded, PredictorSettings(line_end_hyphen="¬")).predict(images)
    assert as_read[0].endswith("-") and catmus[0].text == as_read[0][:-1] + "¬"
    assert catmus[0].chars[-1].text == "¬"
    assert catmus[1].text == as_read[1]  # a hyphen inside a word stays


@pytest.mark.parametrize("path", sorted(MODELS_DIR.glob("*.lm.json*")), ids=lambda p: p.name)
def test_card_states_each_shipped_language_models_checksum(path: Path) -> None:
    from recognition.language_model import CharLanguageModel

    card = (MODELS_DIR / f"{path.name.split('.lm.json')[0]}.md").read_text(encoding="utf-8")
    assert f"`{path.name}`" in card and file_sha256(path) in card
    assert path.stat().st_size < 25_000_000
    assert CharLanguageModel.load(path).vocabulary
