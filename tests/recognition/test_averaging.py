"""Averaging recognisers' weights (train average): the mean, what the file records, refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from typer.testing import CliRunner

from flows.cli import app
from recognition.averaging import average_files
from recognition.codec import Codec
from recognition.model import LineRecognizer, ModelConfig
from recognition.weights import file_sha256, load_model, read_metadata, save_model

CODEC = Codec(list("abc "))
runner = CliRunner()


def saved(path: Path, seed: int, *, codec: Codec = CODEC, hidden: int = 8) -> Path:
    """A tiny recogniser with weights drawn from ``seed``, saved as a trained file would be."""
    torch.manual_seed(seed)
    model = LineRecognizer(
        ModelConfig(classes=codec.classes, channels=(8, 8, 8, 8, 8), hidden=hidden)
    )
    for buffer in model.buffers():
        if buffer.is_floating_point():
            buffer.uniform_(0.5, 1.5)
    extra = {"validation_cer": 0.1 * seed, "epoch": seed, "line_images": "grey"}
    save_model(model.eval(), codec, path, f"model-{seed}", extra=extra)
    return path


def test_weighted_mean_of_every_float_tensor(tmp_path: Path) -> None:
    a, b = saved(tmp_path / "a.safetensors", 1), saved(tmp_path / "b.safetensors", 2)
    out = tmp_path / "mean.safetensors"
    digest = average_files([a, b], out, weights=[3, 1], name="soup")
    assert digest == file_sha256(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.safetensors",
        "b.safetensors",
        "mean.safetensors",
    ]
    first, second, mean = (load_model(p).model.state_dict() for p in (a, b, out))
    for key, value in mean.items():
        if value.is_floating_point():
            # the file holds float16, as every released model does
            assert torch.allclose(value, 0.75 * first[key] + 0.25 * second[key], atol=2e-3), key
        else:
            assert torch.equal(value, first[key]), key


def test_the_file_names_its_sources_not_their_figures(tmp_path: Path) -> None:
    a, b = saved(tmp_path / "a.safetensors", 1), saved(tmp_path / "b.safetensors", 2)
    out = tmp_path / "mean.safetensors"
    average_files([a, b], out)
    meta = read_metadata(out)
    assert meta["name"] == "model-1"
    assert meta["line_images"] == "grey"
    assert meta["averaged"] == [
        {"sha256": file_sha256(a), "weight": 0.5},
        {"sha256": file_sha256(b), "weight": 0.5},
    ]
    assert "validation_cer" not in meta and "epoch" not in meta
    assert load_model(out).codec.to_json() == CODEC.to_json()


def test_a_model_averaged_with_itself_is_unchanged(tmp_path: Path) -> None:
    a = saved(tmp_path / "a.safetensors", 1)
    # averaging a model with itself gives back its weights
    out = tmp_path / "same.safetensors"
    average_files([a, a], out)
    for key, value in load_model(out).model.state_dict().items():
        assert torch.equal(value, load_model(a).model.state_dict()[key]), key


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ({"hidden": 12}, "architecture"),
        ({"codec": Codec(list("abd "))}, "charset"),
    ],
)
def test_models_of_another_kind_are_refused(
    tmp_path: Path, other: dict[str, Any], message: str
) -> None:
    a = saved(tmp_path / "a.safetensors", 1)
    b = saved(tmp_path / "b.safetensors", 2, **other)
    out = tmp_path / "mean.safetensors"
    with pytest.raises(ValueError, match=message):
        average_files([a, b], out)
    assert not out.exists()


def test_bad_weights_are_refused(tmp_path: Path) -> None:
    a, b = saved(tmp_path / "a.safetensors", 1), saved(tmp_path / "b.safetensors", 2)
    with pytest.raises(ValueError, match="positive"):
        average_files([a, b], tmp_path / "m.safetensors", weights=[1, 0])
    with pytest.raises(ValueError, match="2 models"):
        average_files([a, b], tmp_path / "m.safetensors", weights=[1])
    with pytest.raises(ValueError, match="two models"):
        average_files([a], tmp_path / "m.safetensors")


def test_command_writes_the_mean_and_stops_on_a_mismatch(tmp_path: Path) -> None:
    a, b = saved(tmp_path / "a.safetensors", 1), saved(tmp_path / "b.safetensors", 2)
    out = tmp_path / "mean.safetensors"
    done = runner.invoke(
        app,
        ["train", "average", str(a), str(b), "-o", str(out), "--weight", "0.7", "--weight", "0.3"],
    )
    assert done.exit_code == 0, done.output
    assert file_sha256(out) in done.output
    sources = read_metadata(out)["averaged"]
    assert isinstance(sources, list)
    assert [source["weight"] for source in sources] == [0.7, 0.3]
    wide = saved(tmp_path / "wide.safetensors", 3, hidden=12)
    refused = runner.invoke(
        app, ["train", "average", str(a), str(wide), "-o", str(tmp_path / "x.safetensors")]
    )
    assert refused.exit_code == 2
    assert "architecture" in refused.output
    missing = runner.invoke(
        app, ["train", "average", str(a), "no-such-model", "-o", str(tmp_path / "y.safetensors")]
    )
    assert missing.exit_code == 2
    assert "shipped" in missing.output
