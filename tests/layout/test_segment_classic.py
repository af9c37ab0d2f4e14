"""Classical segmentation: columns, lines in reading order, nothing with ink dropped."""

from __future__ import annotations

import numpy as np

from layout.evaluation import match_lines
from layout.geometry import bounding_box
from layout.images.binarize import binarize
from layout.segment_classic import segment
from tests.factories import two_column_page


def test_two_columns_read_left_then_right_top_to_bottom() -> None:
    page, truth = two_column_page()
    result = segment(binarize(page, 300))
    assert len(result.regions) == 2
    lines = list(result.lines())
    assert len(lines) == len(truth)
    centres = [bounding_box(line.polygon) for line in lines]
    assert [c.x0 < 700 for c in centres] == [True] * 8 + [False] * 8
    ys = [c.y0 for c in centres]
    assert ys[:8] == sorted(ys[:8]) and ys[8:] == sorted(ys[8:])
    for line in lines:
        assert line.baseline is not None and len(line.baseline) == 2


def test_lines_match_their_truth_at_iou_half() -> None:
    from layout.document import Page, Region, TextLine
    from layout.geometry import Box

    page, truth = two_column_page()
    reference = Page("p", page.shape[1], page.shape[0], regions=[Region("r", lines=[
        TextLine(f"t{n}", polygon=Box(*b).corners()) for n, b in enumerate(truth)])])  # fmt: skip
    found = segment(binarize(page, 300))
    assert match_lines(found, reference).f1 == 1.0


def test_rtl_pages_read_columns_right_to_left() -> None:
    page, _ = two_column_page()
    result = segment(binarize(page, 300), direction="rtl")
    first = bounding_box(result.ordered_regions()[0].polygon)
    assert first.x0 > 700


def test_blank_page_has_no_lines() -> None:
    assert list(segment(np.full((300, 300), 255, np.uint8)).lines()) == []
