"""Run settings: files and overrides validated; only what shapes the outputs redoes pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.run.settings import RunSettings, load_settings
from recognition.language_model import CharLanguageModel
from recognition.models import MODELS_DIR, shipped_model


def test_settings_that_change_outputs_change_the_hash(tmp_path: Path) -> None:
    base = RunSettings()
    unchanged = RunSettings(workers=8, layout_processes=4, page_timeout_s=5)
    assert unchanged.settings_hash() == base.settings_hash()
    assert RunSettings(beam_width=8).settings_hash() != base.settings_hash()
    lm = tmp_path / "lm.json"
    CharLanguageModel.fit(["abc"], 2).save(lm)
    with_lm = RunSettings(beam_width=8, lm=lm).settings_hash()
    assert with_lm != RunSettings(beam_width=8).settings_hash()
    assert RunSettings(beam_width=8, lm=lm, insertion_bonus=0).settings_hash() != with_lm
    # the bonus has no effect without a language model, so it leaves those runs' hash
    assert RunSettings(insertion_bonus=0).settings_hash() == base.settings_hash()
    assert RunSettings(layout_precision="bfloat16").settings_hash() != base.settings_hash()
    hyphen = RunSettings(line_end_hyphen="¬")
    assert hyphen.settings_hash() != base.settings_hash()
    assert hyphen.predictor().line_end_hyphen == "¬"
    classic = RunSettings(segmenter="classic")
    assert RunSettings(segmenter="classic", layout_precision="bfloat16").settings_hash() == (
        classic.settings_hash()
    )
    CharLanguageModel.fit(["abd"], 2).save(lm)  # another model under the same name
    assert RunSettings(beam_width=8, lm=lm).settings_hash() != with_lm


def test_config_file_with_overrides_and_unknown_keys(tmp_path: Path) -> None:
    config = tmp_path / "run.yaml"
    config.write_text("workers: 4\nbeam_width: 6\nlm_weight: 0.5\n")
    settings = load_settings(config, {"workers": 3, "device": None})
    assert (settings.workers, settings.beam_width, settings.lm_weight) == (3, 6, 0.5)
    config.write_text("beam: 6\n")
    with pytest.raises(ValueError, match="beam"):
        load_settings(config, {})


def test_a_shipped_model_is_named_without_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "gpu.yaml"
    config.write_text("model: latin-base\n")
    assert load_settings(config, {}).model == shipped_model("latin-base")
    gpu = Path(__file__).parents[2] / "deploy" / "config" / "gpu.yaml"
    assert load_settings(gpu, {}).model == shipped_model("latin-base")
    assert load_settings(None, {"model": Path("latin-small")}).model == shipped_model("latin-small")
    with pytest.raises(ValueError, match=r"no shipped model .latin-huge.*latin-base"):
        RunSettings.model_validate({"model": "latin-huge"})
    monkeypatch.chdir(tmp_path)  # a file of that name here is that file
    shutil.copyfile(shipped_model("latin-small"), tmp_path / "latin-base")
    assert RunSettings.model_validate({"model": "latin-base"}).model == Path("latin-base")


def test_a_model_file_that_is_missing_or_damaged_is_refused_before_any_page(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match=r"no model file at .*gone.safetensors.*latin-base"):
        RunSettings(model=tmp_path / "gone.safetensors")
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(shipped_model("latin-small").read_bytes()[:-1000])  # an interrupted copy
    with pytest.raises(ValueError, match="not a readable safetensors model"):
        RunSettings(model=cut)


def test_the_segmenter_and_its_weights_enter_the_hash(tmp_path: Path) -> None:
    import torch

    from layout.detector.network import DetectorConfig, LineNet
    from layout.detector.weights import save_detector

    base = RunSettings()
    assert base.segmenter == "detector"
    assert RunSettings(segmenter="classic").settings_hash() != base.settings_hash()
    other = tmp_path / "other.safetensors"
    torch.manual_seed(1)
    save_detector(LineNet(DetectorConfig(stem=4, widths=(8, 8, 16, 16))), other, "other")
    assert RunSettings(layout_model=other).settings_hash() != base.settings_hash()
    # the classical segmenter ignores the detector's weights
    classic = RunSettings(segmenter="classic")
    assert RunSettings(segmenter="classic", layout_model=other).settings_hash() == (
        classic.settings_hash()
    )
    assert classic.pipeline().segmenter.method == "classic"


def test_a_language_model_that_is_missing_or_damaged_is_refused_before_any_page(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="no language model at"):
        RunSettings(beam_width=8, lm=tmp_path / "absent.json")
    damaged = tmp_path / "lm.json"
    CharLanguageModel.fit(["abc"], 2).save(damaged)
    damaged.write_bytes(damaged.read_bytes()[:20])  # an interrupted copy
    with pytest.raises(ValueError, match="not an archive-ocr character language model"):
        RunSettings(beam_width=8, lm=damaged)
    damaged.write_text('{"format": "archive-ocr char-ngram 1", "order": 2}', encoding="utf-8")
    with pytest.raises(ValueError, match="damaged language model"):
        RunSettings(beam_width=8, lm=damaged)


def test_a_shipped_language_model_goes_by_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = RunSettings(beam_width=8, lm=Path("latin-base"))
    assert settings.lm == MODELS_DIR / "latin-base.lm.json.gz"
    small = RunSettings(beam_width=8, lm=Path("latin-small"))
    assert small.lm == MODELS_DIR / "latin-small.lm.json.gz"
    with pytest.raises(
        ValueError, match=r"no language model at latin-bse; shipped: \[.*'latin-base'"
    ):
        RunSettings(beam_width=8, lm=Path("latin-bse"))
    # a file of that name in the working folder is what the user means
    monkeypatch.chdir(tmp_path)
    CharLanguageModel.fit(["abc"], 2).save(tmp_path / "latin-base")
    assert RunSettings(beam_width=8, lm=Path("latin-base")).lm == Path("latin-base")
