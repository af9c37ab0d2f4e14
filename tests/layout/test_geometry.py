"""Geometry helpers used by the readers, writers and evaluation."""

from __future__ import annotations

import pytest

from layout.geometry import Box, bounding_box, iou, is_box, parse_points, polygon_area


def test_parse_points_reads_page_and_alto_forms() -> None:
    assert parse_points("1,2 3,4") == ((1.0, 2.0), (3.0, 4.0))
    assert parse_points("1 2 3 4") == ((1.0, 2.0), (3.0, 4.0))
    assert parse_points("1.5,2 3,4e1") == ((1.5, 2.0), (3.0, 40.0))
    with pytest.raises(ValueError, match="odd number"):
        parse_points("1 2 3")


def test_iou_of_boxes_and_self_intersecting_outline() -> None:
    a = Box(0, 0, 10, 10).corners()
    b = Box(5, 0, 15, 10).corners()
    assert iou(a, a) == pytest.approx(1.0)
    assert iou(a, b) == pytest.approx(50 / 150)
    bowtie = ((0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0))
    assert 0.0 < iou(bowtie, a) < 1.0
    assert iou((), a) == 0.0


def test_box_helpers() -> None:
    assert is_box(Box(1, 2, 3, 4).corners())
    assert not is_box(((0.0, 0.0), (2.0, 0.0), (1.0, 1.0), (0.0, 1.0)))
    assert polygon_area(Box(0, 0, 4, 5).corners()) == 20.0
    assert bounding_box([(3.0, 1.0), (0.0, 4.0)]) == Box(0, 1, 3, 4)
