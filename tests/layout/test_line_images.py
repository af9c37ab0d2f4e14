"""Line images: straightened along the baseline, with a geometry that maps back to the page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from layout.document import TextLine
from layout.geometry import bounding_box
from layout.images.deskew import rotate
from layout.line_images import extract_line, line_geometry
from layout.xmlio import read_document
from tests.factories import rendered_line


def strip_on_page(angle: float) -> tuple[np.ndarray, TextLine, np.ndarray]:
    """A rendered line pasted on a page, the page rotated; the line's true baseline and polygon."""
    strip = rendered_line("Hamburg", size=40)
    page = np.full((400, 600), 235, np.uint8)
    top, left = 150, 100
    page[top : top + strip.shape[0], left : left + strip.shape[1]] = strip
    base_y = top + 8 + 32  # text drawn at y=8 in the strip; baseline about 32 px lower
    turned = rotate(page, angle, fill=235)
    cy, cx = turned.shape[0] / 2, turned.shape[1] / 2
    theta = np.radians(angle)

    def move(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - page.shape[1] / 2, y - page.shape[0] / 2
        return (cx + dx * np.cos(theta) + dy * np.sin(theta),
                cy - dx * np.sin(theta) + dy * np.cos(theta))  # fmt: skip

    x1 = left + strip.shape[1]
    baseline = (move(left, base_y), move(x1, base_y))
    polygon = (move(left, top), move(x1, top), move(x1, top + strip.shape[0]),
               move(left, top + strip.shape[0]))  # fmt: skip
    return turned, TextLine("l1", polygon=polygon, baseline=baseline, text="Hamburg"), strip


@pytest.mark.parametrize("angle", [0.0, 4.0, -9.0])
def test_sloping_line_comes_out_straight(angle: float) -> None:
    page, line, strip = strip_on_page(angle)
    image, geometry = extract_line(page, line)
    assert abs(image.shape[1] - 2 * geometry.pad - strip.shape[1]) <= 2
    ink_rows = np.flatnonzero((image < 128).sum(axis=1) > 0)
    truth_rows = np.flatnonzero((strip < 128).sum(axis=1) > 0)
    assert abs(len(ink_rows) - len(truth_rows)) <= 3  # not smeared over more rows
    assert geometry.above > geometry.below > 0


def test_columns_map_back_to_the_page() -> None:
    page, line, _ = strip_on_page(6.0)
    _, geometry = extract_line(page, line)
    quad = geometry.span_polygon(geometry.pad, geometry.width - 1 - geometry.pad)
    box, truth = bounding_box(quad), bounding_box(line.polygon)
    assert box.x0 == pytest.approx(truth.x0, abs=4) and box.x1 == pytest.approx(truth.x1, abs=4)
    start = geometry.page_point(geometry.pad, 0)
    assert start == pytest.approx(line.baseline[0], abs=1.0)  # type: ignore[index]


def test_line_without_baseline_uses_its_box() -> None:
    line = TextLine("l", polygon=((10.0, 10.0), (110.0, 10.0), (110.0, 50.0), (10.0, 50.0)))
    geometry = line_geometry(line)
    assert geometry.points[geometry.pad] == pytest.approx((10.0, 40.0))
    assert geometry.width == 101 + 2 * geometry.pad


def test_real_ground_truth_lines(shared_pages: Path) -> None:
    from PIL import Image

    xml = sorted((shared_pages / "cremma_mss18").glob("*.xml"))[0]
    page = read_document(xml)
    grey = np.asarray(Image.open(xml.with_suffix(".jpg")).convert("L"))
    heights = []
    for line in list(page.lines())[:15]:
        image, geometry = extract_line(grey, line)
        assert image.shape[1] == geometry.width > 0
        heights.append(image.shape[0])
        assert (image < 128).mean() > 0.005  # there is ink in it
    assert 20 < np.median(heights) < 200


@pytest.mark.parametrize("top_share", [0.0, 0.3, -0.5])
def test_cut_is_tight_to_the_ink_whatever_the_polygon(top_share: float) -> None:
    """Polygons that clip ascenders or reach into the paper all give the same tight cut."""
    page, line, strip = strip_on_page(0.0)
    (x0, y0), (x1, _), (_, y1), _ = line.polygon
    top = y0 + top_share * (y1 - y0)  # 0.3: the ascenders' tops cut off; -0.5: far too tall
    line.polygon = ((x0, top), (x1, top), (x1, y1), (x0, y1))
    image, geometry = extract_line(page, line)
    truth = int(((strip < 128).sum(axis=1) > 0).sum())
    ink = int(((image < 128).sum(axis=1) > 0).sum())
    assert abs(ink - truth) <= 2  # every ink row is there ...
    assert image.shape[0] - ink <= 6  # ... with only a margin of paper around them
    assert geometry.above + geometry.below + 1 == pytest.approx(image.shape[0], abs=1)
