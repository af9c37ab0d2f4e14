"""archive-ocr bench segment: every reference line is accounted for, per page and in total."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from flows.bench_segment import run_benchmark
from layout.synthetic import PageStyle, render_page
from layout.xmlio import serialize
from tests.factories import any_font

TALE = (
    "Es war einmal ein König, der hatte drei Töchter, die jüngste war so schön, dass die "
    "Sonne selbst sich verwunderte, so oft sie ihr ins Gesicht schien. "
)


@pytest.mark.slow
def test_benchmark_scores_the_held_out_pages_and_counts_missed_lines(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    style = PageStyle(width=1200, height=1600, margin=120, font_size=34, skew=1.5)
    for n, name in enumerate(("heldout-a_1", "heldout-a_2", "training-b_1")):
        grey, page = render_page([TALE * 3, TALE * 2], any_font(), style, seed=n, name=name)
        Image.fromarray(grey).save(folder / f"{name}.jpg", quality=90)
        (folder / f"{name}.xml").write_bytes(serialize(page, "page"))
    report = run_benchmark([folder], held_out=("heldout-a",))
    for method in ("detector", "classic"):
        figures = report[method]["all"]
        assert figures["pages"] == 2  # only the held-out document
        rows = report[method]["pages"]
        assert {r["page"] for r in rows} == {"heldout-a_1", "heldout-a_2"}
        for row in rows:
            assert row["hits"] + row["missed"] == row["reference"] > 10
        assert figures["missed_lines"] == sum(r["missed"] for r in rows)
        assert figures["segment_s_per_page"] > 0
    assert report["detector"]["all"]["f1"] >= 0.95
    assert "kraken" not in report
