"""archive-ocr train layout: weights, a validation report on held-out documents, fine-tuning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from layout.detector.weights import load_detector
from layout.synthetic import PageStyle, render_page
from layout.xmlio import serialize
from tests.factories import any_font

runner = CliRunner()
TEXT = "Die Sonne schien warm auf das alte Haus am Brunnen, und der Wind ging leise. " * 8


def pages(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    style = PageStyle(width=700, height=900, margin=60, font_size=24)
    for n, name in enumerate(names):
        grey, page = render_page([TEXT], any_font(), style, seed=n, name=f"{name}.png")
        Image.fromarray(grey).save(folder / f"{name}.png")
        (folder / f"{name}.xml").write_bytes(serialize(page, "page"))


@pytest.mark.slow
def test_training_writes_weights_and_scores_held_out_documents(tmp_path: Path) -> None:
    pages(tmp_path / "gt", ["book-a_1", "book-a_2", "book-b_1"])
    out = tmp_path / "det.safetensors"
    common = ["--data", str(tmp_path / "gt"), "--hold-out", "book-b", "--steps", "4",
              "--batch", "2", "--size", "256", "--threads", "1"]  # fmt: skip
    result = runner.invoke(app, ["train", "layout", "-o", str(out), *common])
    assert result.exit_code == 0, result.output
    report = json.loads(out.with_suffix(".json").read_text())
    assert report["training_pages"] == 2 and report["validation"]["pages"] == 1
    assert report["validation"]["reference_lines"] > 5
    loaded = load_detector(out)
    assert loaded.sha256 == report["sha256"] and loaded.model.config.size == 256
    tuned = tmp_path / "tuned.safetensors"
    result = runner.invoke(app, ["train", "layout", "-o", str(tuned), "--start", str(out),
                                 *common, "--size", "512"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_detector(tuned).model.config.size == 256  # the started model's architecture
