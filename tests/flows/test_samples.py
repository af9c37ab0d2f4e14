"""The shipped sample scans: what the README's first command reads, and how they are made."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from flows.evaluate import evaluate
from flows.run.flow import exit_code, ocr_run
from flows.run.settings import RunSettings
from flows.samples import SAMPLES_DIR, SHEETS, make_samples
from layout.images.loading import load_pages
from layout.xmlio import parse_xml, read_document
from layout.xmlio.schemas import schema_errors
from tests.factories import any_font


def test_generator_writes_each_sheet_with_valid_ground_truth(tmp_path: Path) -> None:
    written = list(make_samples(tmp_path, any_font()))
    assert [p.name for p in written] == [name + suffix for name, _, _, suffix, _, _ in SHEETS]
    with Image.open(tmp_path / "grimm-1857-002.tif") as tiff:
        assert (tiff.mode, tiff.info.get("compression")) == ("1", "group4")
    for image in written:
        xml = image.with_suffix(".xml").read_bytes()
        assert schema_errors(parse_xml(xml)) == []
        truth = read_document(xml)
        (page,) = load_pages(image.read_bytes())
        assert (page.size, truth.image_filename) == ((truth.width, truth.height), image.name)
        assert "ſ" in truth.text()


def test_shipped_samples_are_small_and_match_their_ground_truth() -> None:
    files = sorted(SAMPLES_DIR.iterdir())
    assert sum(p.stat().st_size for p in files) < 400_000
    for name, _, _, suffix, _, _ in SHEETS:
        truth = read_document(SAMPLES_DIR / f"{name}.xml")
        (page,) = load_pages((SAMPLES_DIR / (name + suffix)).read_bytes())
        assert page.size == (truth.width, truth.height)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_main_job_reads_the_shipped_samples(tmp_path: Path) -> None:
    summary = ocr_run(str(SAMPLES_DIR), str(tmp_path / "out"), RunSettings())
    assert exit_code(summary) == 0 and summary["done"] == len(SHEETS)
    scores = evaluate(tmp_path / "out", SAMPLES_DIR)["summary"]
    assert scores["lines"]["f1"] == 1.0
    assert scores["cer"] < 0.04  # latin-small on grey cuts: 1.0 % (fraktur19-small read 5.2 %)
