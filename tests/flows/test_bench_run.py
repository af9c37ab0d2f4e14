"""bench run: the real flow over scans with ground truth, scored end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from flows.bench_run import run_benchmark
from flows.run.settings import RunSettings
from layout.document import Page, Region, TextLine
from layout.images.binarize import binarize
from layout.segment_classic import segment
from layout.xmlio import serialize
from tests.conftest import tiny_texts
from tests.factories import page_of_lines

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("prefect_harness")
def test_bench_run_scores_the_flow(tiny_model: Path, tmp_path: Path) -> None:
    for n in range(2):
        texts = tiny_texts(3, seed=40 + n)
        grey = page_of_lines(texts)
        Image.fromarray(grey).save(tmp_path / f"s{n}.png")
        found = list(segment(binarize(grey, 300)).lines())
        lines = [TextLine(f"l{i}", polygon=line.polygon, baseline=line.baseline, text=text)
                 for i, (line, text) in enumerate(zip(found, texts, strict=True))]  # fmt: skip
        truth = Page(f"s{n}.png", grey.shape[1], grey.shape[0], regions=[Region("r", lines=lines)])
        (tmp_path / f"s{n}.xml").write_bytes(serialize(truth, "page"))
    report = run_benchmark(tmp_path, RunSettings(model=tiny_model))
    assert report["pages"] == 2 and report["run"]["done"] == 2
    assert report["run"]["pages_per_second"] > 0
    assert report["accuracy"]["documents"] == 2
    assert report["accuracy"]["lines"]["f1"] == 1.0
    assert report["accuracy"]["cer"] < 0.3
    assert report["recogniser"]["lines"] == 6 and 0 < report["recogniser"]["busy_ratio"] <= 1
    assert report["layout"]["pages"] == 2 and report["layout"]["lines"] == 6
    assert report["layout"]["lines_per_second"] > 0 and report["feed_ratio"] > 0
