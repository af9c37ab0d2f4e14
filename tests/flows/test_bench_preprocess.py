"""The preprocessing benchmark runs on pages with baselines and scores our deskew."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from flows.bench_preprocess import FORMATS, accuracy, baseline_angle, encode
from layout.document import Page, Region, TextLine
from layout.images.loading import load_first_page
from layout.xmlio import serialize
from tests.factories import rendered_text_page


def page_with_baselines(grey: np.ndarray) -> Page:
    lines = [
        TextLine(id=f"l{n}", baseline=((100.0, y + 26.0), (1300.0, y + 26.0)), text="x")
        for n, y in enumerate(range(100, grey.shape[0] - 100, 50))
    ]
    return Page("p.jpg", grey.shape[1], grey.shape[0], regions=[Region("r", lines=lines)])


def test_baseline_angle_of_level_lines_is_zero() -> None:
    truth = baseline_angle(page_with_baselines(rendered_text_page()))
    assert truth is not None and truth.angle == 0.0 and truth.uncertainty == 0.0


def test_scattered_baselines_give_the_median_and_its_uncertainty() -> None:
    tilts = (-0.5, -0.25, 0.0, 0.25, 0.5)  # degrees, counter-clockwise
    lines = [
        TextLine(id=f"l{n}", baseline=((0.0, 100.0 * n), (1000.0, 100.0 * n - 1000.0 * tan)))
        for n, tan in enumerate(np.tan(np.radians(tilts)))
    ]
    truth = baseline_angle(Page("p.jpg", 1000, 800, regions=[Region("r", lines=lines)]))
    assert truth is not None
    assert truth.angle == pytest.approx(0.0, abs=1e-9)
    assert truth.uncertainty == pytest.approx(1.2533 * np.sqrt(0.125) / np.sqrt(5), rel=0.01)


@pytest.mark.parametrize("fmt", FORMATS)
def test_benchmark_formats_load(fmt: str) -> None:
    grey = rendered_text_page(400, 300)
    assert load_first_page(encode(grey, fmt)).size == (400, 300)


def test_accuracy_on_two_pages(tmp_path: Path) -> None:
    for n in range(2):
        grey = rendered_text_page(seed=n)
        Image.fromarray(grey).save(tmp_path / f"p{n}.jpg", quality=92)
        (tmp_path / f"p{n}.xml").write_bytes(serialize(page_with_baselines(grey), "page"))
    report = accuracy(tmp_path, count=2, seed=3)
    assert report["pages"] == 2
    ours = report["methods"]["archive-ocr"]
    assert ours["absolute"]["n"] == 2 and ours["absolute"]["failures"] == 0
    assert ours["absolute"]["max"] < 0.2
    assert ours["relative"]["max"] < 0.2
    assert {row["format"] for row in report["per_page"]} == set(FORMATS[:2])
