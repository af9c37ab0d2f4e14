"""Smoke tests: a tiny recogniser learns rendered lines on the CPU, saves, resumes, predicts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from recognition.codec import Codec
from recognition.data import LineSample, find_line_files
from recognition.decoding import GreedyDecoder
from recognition.model import LineRecognizer, ModelConfig
from recognition.predictor import Predictor
from recognition.training import TrainSettings, train
from recognition.weights import load_model, read_metadata
from tests.factories import rendered_line, with_learned_norms

WORDS = ["ab", "ba", "abba", "baab", "aab", "bba"]
TINY = {"channels": (8, 16, 16, 16, 16), "hidden": 32, "layers": 1, "dropout": 0.0}


def samples(repeat: int = 1) -> list[LineSample]:
    return [LineSample(rendered_line(w), w) for w in WORDS] * repeat


def test_forward_shapes_and_loss() -> None:
    model = LineRecognizer(ModelConfig(classes=5, **TINY))  # type: ignore[arg-type]
    images = torch.rand(2, 1, 48, 120)
    out = model(images, torch.tensor([120, 60]), torch.tensor([1, 2, 3, 1]), torch.tensor([3, 1]))
    assert out["log_probs"].shape == (30, 2, 5)
    assert out["lengths"].tolist() == [30, 15]
    assert out["loss"].item() > 0
    assert set(model(images, torch.tensor([120, 60]))) == {"log_probs", "lengths"}


def with_trained_attention(config: ModelConfig, heads: int) -> LineRecognizer:
    """A model with learnt norms and, with ``heads``, an attention block that is not identity."""
    model = LineRecognizer(replace(config, attention_heads=heads))
    with_learned_norms(model)
    if model.attention is not None:
        torch.nn.init.normal_(model.attention.attention.out_proj.weight, std=0.3)
    return model


@pytest.mark.parametrize("heads", [0, 4])
def test_the_inference_form_computes_what_the_trained_network_does(heads: int) -> None:
    torch.manual_seed(0)
    model = with_trained_attention(ModelConfig(classes=7, **TINY), heads)  # type: ignore[arg-type]
    fast = model.for_inference()
    images, widths = torch.rand(3, 1, 48, 200), torch.tensor([200, 150, 64])
    with torch.inference_mode():
        expected = model.eval()(images, widths)
        got = fast(images, widths)
    assert torch.allclose(got["log_probs"], expected["log_probs"], atol=1e-4)
    assert torch.equal(got["lengths"], expected["lengths"])
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())  # left as it was


@pytest.mark.parametrize("heads", [0, 4])
@pytest.mark.parametrize("form", ["trained", "inference", "with gradients"])
def test_a_line_reads_the_same_whatever_lines_share_its_batch(form: str, heads: int) -> None:
    # in a run, lines of the pages in flight share batches: a page's text must not depend on them
    torch.manual_seed(0)
    config = ModelConfig(classes=7, **{**TINY, "layers": 2})  # type: ignore[arg-type]
    model = with_trained_attention(config, heads)
    model = model.for_inference() if form == "inference" else model.eval()
    line, wider = torch.rand(1, 1, 48, 90), torch.rand(1, 1, 48, 203)
    batch = torch.cat([torch.nn.functional.pad(line, (0, 113)), wider])
    grads = form == "with gradients"  # the masks of training (and of a GPU) instead of slices
    with torch.inference_mode(not grads):
        alone = model(line.requires_grad_(grads), torch.tensor([90]))
        beside = model(batch.requires_grad_(grads), torch.tensor([90, 203]))
    frames = int(alone["lengths"][0])
    assert beside["lengths"].tolist() == [frames, 50]
    assert torch.allclose(beside["log_probs"][:frames, 0], alone["log_probs"][:, 0], atol=1e-5)


def test_greedy_decoder_positions_and_confidences() -> None:
    codec = Codec(["a", "b", " "])
    probs = np.full((8, 4), 0.01)
    for t, label in enumerate([1, 1, 0, 2, 3, 0, 1, 1]):
        probs[t, label] = 0.97
    result = GreedyDecoder(codec).decode(probs)
    assert result.text == "ab a"
    assert [(c.x0, c.x1) for c in result.chars] == [(0, 8), (12, 16), (16, 20), (24, 32)]
    assert [w.text for w in result.words()] == ["ab", "a"]
    assert result.words()[0].x1 == 16


@pytest.mark.slow
def test_tiny_model_learns_saves_resumes_and_predicts(tmp_path: Path) -> None:
    codec = Codec.from_texts(WORDS)
    config = ModelConfig(classes=codec.classes, **TINY)  # type: ignore[arg-type]
    settings = TrainSettings(epochs=40, batch_size=8, learning_rate=3e-3, patience=40,
                             max_steps=200, threads=1)  # fmt: skip
    state = train(samples(4), samples(), codec, tmp_path / "run", settings, config=config)
    lines = (tmp_path / "run" / "train-log.jsonl").read_text().splitlines()
    log = [json.loads(line) for line in lines]
    assert log[-1]["train_loss"] < log[0]["train_loss"] / 10
    assert state.best_cer <= 0.1

    model_file = tmp_path / "run" / "model.safetensors"
    assert read_metadata(model_file)["codec"] == codec.to_json()
    loaded = load_model(model_file)
    predicted = Predictor(loaded).predict([s.image for s in samples()])
    assert sum(p.text == w for p, w in zip(predicted, WORDS, strict=True)) >= len(WORDS) - 1
    assert all(0.0 < p.confidence <= 1.0 for p in predicted)
    first = predicted[0]
    assert all(0 <= c.x0 < c.x1 <= samples()[0].image.shape[1] + 4 for c in first.chars)

    resumed = train(samples(), samples(), codec, tmp_path / "run",
                    TrainSettings(epochs=state.epoch + 1, batch_size=8, patience=40, threads=1),
                    config=config, resume=True)  # fmt: skip
    assert resumed.epoch == state.epoch + 1 and resumed.step > state.step


def test_line_folder_pairs_images_with_ground_truth(tmp_path: Path) -> None:
    from PIL import Image

    for name, text in [("l1", "Thuͤr"), ("l2", ""), ("l3", "ſo")]:
        Image.fromarray(rendered_line(text or "x")).save(tmp_path / f"{name}.png")
        (tmp_path / f"{name}.gt.txt").write_text(text + "\n", encoding="utf-8")
    (tmp_path / "orphan.gt.txt").write_text("no image\n", encoding="utf-8")
    files = find_line_files(tmp_path)
    assert [(f.image_path.name, f.text) for f in files] == [("l1.png", "Thuͤr"), ("l3.png", "ſo")]
    assert files[0].load().image.ndim == 2


def test_fine_tuning_starts_from_a_model_and_grows_its_charset(tmp_path: Path) -> None:
    from flows.recognition_commands import build_codec
    from recognition.data import LineFile
    from recognition.training import adopt_weights
    from recognition.weights import save_model

    config = ModelConfig(classes=3, channels=(8, 8, 8, 8, 8), hidden=8, layers=1)
    torch.manual_seed(1)
    trained = LineRecognizer(config).eval()
    save_model(trained, Codec(["b", "a"]), tmp_path / "start.safetensors", "start",
               dtype=torch.float32)  # fmt: skip
    start = load_model(tmp_path / "start.safetensors")

    codec = build_codec([LineFile(tmp_path / "x.png", "cab")], start.codec)
    # the start model's order kept, new symbols (and the replacement mark) after
    assert codec.symbols == ["b", "a", "c", "\ufffd"]
    model = LineRecognizer(ModelConfig(classes=codec.classes, channels=(8, 8, 8, 8, 8),
                                       hidden=8, layers=1))  # fmt: skip
    fresh_c_row = model.classifier.weight[3].detach().clone()
    adopt_weights(model, start, codec)
    before, after = trained.state_dict(), model.state_dict()
    for key, value in before.items():
        if key.startswith("classifier."):
            assert torch.equal(after[key][:3], value)  # blank, b, a in the same rows
        else:
            assert torch.equal(after[key], value)
    assert torch.equal(model.classifier.weight[3], fresh_c_row)  # "c" starts fresh


def test_fixed_step_epochs_lower_the_rate_on_a_plateau_and_resume_it(tmp_path: Path) -> None:
    codec = Codec.from_texts(WORDS)
    config = ModelConfig(classes=codec.classes, **TINY)  # type: ignore[arg-type]
    # A rate too small to change any reading: every epoch after the first is a plateau.
    settings = TrainSettings(epochs=3, batch_size=8, learning_rate=1e-9, patience=10,
                             threads=1, epoch_steps=5, lr_drop=0.5)  # fmt: skip
    state = train(samples(), samples(), codec, tmp_path / "run", settings, config=config)
    assert state.step == 15  # three epochs of 5 steps, though one pass is a single batch
    log_file = tmp_path / "run" / "train-log.jsonl"
    rates = [json.loads(line)["learning_rate"] for line in log_file.read_text().splitlines()]
    assert rates == pytest.approx([1e-9, 5e-10, 2.5e-10])

    resumed = train(samples(), samples(), codec, tmp_path / "run",
                    replace(settings, epochs=4), config=config, resume=True)  # fmt: skip
    assert resumed.step == 20 and resumed.learning_rate == pytest.approx(1.25e-10)
