"""archive-ocr segment: PAGE-XML lines in the coordinates of the original, skewed scan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from layout.document import Page, Region, TextLine
from layout.evaluation import match_lines
from layout.geometry import Box
from layout.images.deskew import rotation_matrix
from layout.synthetic import PageStyle, render_page
from layout.transform import apply_affine
from layout.xmlio import parse_xml, read_document
from layout.xmlio.schemas import schema_errors
from recognition import precision as precisions
from tests.factories import any_font, two_column_page

runner = CliRunner()


def test_segment_maps_lines_back_to_the_skewed_scan(tmp_path: Path) -> None:
    """The classical segmenter, on two columns of Pillow's built-in font (the detector,
    trained on historical pages, reads that font poorly: see the next test)."""
    page, truth = two_column_page()
    angle = 3.0
    matrix, (width, height) = rotation_matrix(page.shape, angle)
    import cv2

    scan = cv2.warpAffine(page, matrix, (width, height), borderValue=(235,))
    Image.fromarray(scan).save(tmp_path / "scan.png", dpi=(300, 300))
    result = runner.invoke(app, ["segment", str(tmp_path / "scan.png"), "-o", str(tmp_path / "o"),
                                 "--segmenter", "classic"])  # fmt: skip
    assert result.exit_code == 0, result.output
    xml = tmp_path / "o" / "scan.page.xml"
    assert schema_errors(parse_xml(xml)) == []
    found = read_document(xml)
    assert (found.width, found.height, found.image_filename) == (width, height, "scan.png")
    assert found.metadata.source_sha256 is not None
    steps = [s.description for s in found.metadata.steps]
    assert steps[0].startswith("preprocessing") and steps[1].startswith("line segmentation")
    assert found.metadata.steps[0].settings["measured_skew_angle"] == pytest.approx(-angle, abs=0.1)
    reference = Page("scan.png", width, height, regions=[Region("r", lines=[
        TextLine(f"t{n}", polygon=apply_affine(Box(*b).corners(), matrix))
        for n, b in enumerate(truth)])])  # fmt: skip
    assert match_lines(found, reference).f1 == 1.0
    for line in found.lines():
        (x0, y0), (x1, y1) = line.baseline[0], line.baseline[-1]  # type: ignore[index]
        slope = np.degrees(np.arctan2(-(y1 - y0), x1 - x0))
        assert abs(slope - angle) < 0.5  # baselines follow the scan's skew


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_the_trained_detector_finds_every_line_of_a_skewed_printed_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, precision: str
) -> None:
    monkeypatch.setattr(precisions, "cpu_runs_bfloat16", lambda: True)  # bfloat16 on any CPU
    style = PageStyle(width=1400, height=1900, margin=140, font_size=36, skew=2.5)
    tale = "Es war einmal ein König, der hatte drei Töchter, die jüngste war so schön. "
    grey, truth = render_page([tale * 5, tale * 4], any_font(), style, seed=3, name="scan.png")
    Image.fromarray(grey).save(tmp_path / "scan.png", dpi=(300, 300))
    result = runner.invoke(app, ["segment", str(tmp_path / "scan.png"), "-o", str(tmp_path / "o"),
                                 "--precision", precision])  # fmt: skip
    assert result.exit_code == 0, result.output
    found = read_document(tmp_path / "o" / "scan.page.xml")
    step = found.metadata.steps[1]
    assert step.settings["method"] == "detector" and step.settings["degraded_lines"] == 0
    assert step.settings["precision"] == precision
    assert match_lines(found, truth).f1 >= 0.95
    for line in found.lines():
        (x0, y0), (x1, y1) = line.baseline[0], line.baseline[-1]  # type: ignore[index]
        if x1 - x0 > 300:
            assert abs(np.degrees(np.arctan2(-(y1 - y0), x1 - x0)) - style.skew) < 0.5
