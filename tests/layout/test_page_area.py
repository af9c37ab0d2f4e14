"""Page area: the page inside a dark scanner surround, charts and rulers left out."""

from __future__ import annotations

import numpy as np
import pytest

from layout.images.deskew import rotate
from layout.images.page_area import find_page_area
from tests.factories import text_page


def scan_with_surround(angle: float = 0.0) -> np.ndarray:
    """A text page on a near-black scanner bed, with a colour chart and a ruler below it."""
    page = rotate(text_page(1000, 1400), angle, fill=215)
    scan = np.full((2000, 1600), 25, np.uint8)
    top, left = 150, 250
    scan[top : top + page.shape[0], left : left + page.shape[1]] = page
    for n in range(8):  # a grey-scale chart: patches from white to black, apart from the page
        scan[1800:1900, 200 + n * 120 : 300 + n * 120] = 255 - n * 32
    scan[1700:1740, 100:1500] = 250  # a white ruler with ticks, separate from the page
    scan[1700:1720, 100:1500:40] = 0
    return scan


def test_page_found_inside_dark_surround_without_chart_or_ruler() -> None:
    area = find_page_area(scan_with_surround())
    assert area.background
    box = area.box
    assert box.x0 == pytest.approx(250, abs=15) and box.x1 == pytest.approx(1250, abs=15)
    assert box.y0 == pytest.approx(150, abs=15) and box.y1 == pytest.approx(1550, abs=15)


def test_skewed_page_outline_follows_the_page() -> None:
    area = find_page_area(scan_with_surround(angle=5.0))
    assert area.background
    assert len(area.polygon) >= 4
    inside = area.mask((2000, 1600))
    assert inside[800, 750] and not inside[50, 50] and not inside[1850, 700]


def test_scan_without_surround_is_all_page() -> None:
    area = find_page_area(text_page(800, 1000))
    assert not area.background
    assert (area.box.x0, area.box.y0, area.box.x1, area.box.y1) == (0, 0, 800, 1000)


def open_book(fold_width: int) -> np.ndarray:
    """A text page with the binding's shadow near its right side and the facing page beyond."""
    scan = np.concatenate([text_page(1000, 1400, seed=1), text_page(300, 1400, seed=2)], axis=1)
    scan[:, 1160 : 1160 + fold_width] = 70  # the shadow, over the facing page's left margin
    return scan


def test_the_facing_page_beyond_a_binding_fold_is_no_part_of_the_page() -> None:
    area = find_page_area(open_book(fold_width=20))
    assert area.background
    assert area.box.x1 == pytest.approx(1160, abs=6)  # the page ends at the fold's inner edge
    inside = area.mask((1400, 1300))
    assert inside[700, 500] and not inside[700, 1250]


def test_a_printed_rule_near_the_side_is_no_fold() -> None:
    area = find_page_area(open_book(fold_width=2))
    assert not area.background and area.box.x1 == 1300
