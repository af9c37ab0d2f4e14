"""Binarization and deskew on synthetic pages whose truth is known."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from layout.images.binarize import INK, PAPER, BinarizeSettings, binarize, window_for_dpi
from layout.images.deskew import detect_skew, rotate
from layout.images.page_area import find_page_area, whole_image
from layout.images.preprocess import SKEW_SIDE, page_skew
from tests.factories import rendered_text_page, text_page


def test_window_follows_resolution() -> None:
    assert window_for_dpi(300) == 31
    assert window_for_dpi(600) == 61
    assert window_for_dpi(72) == 15


@pytest.mark.parametrize("method", ["sauvola", "wolf", "otsu"])
def test_binarization_separates_ink_from_uneven_paper(method: str) -> None:
    page = text_page().astype(np.float32)
    shading = np.linspace(0.75, 1.1, page.shape[1], dtype=np.float32)  # a dark gutter
    shaded = np.clip(page * shading, 0, 255).astype(np.uint8)
    binary = binarize(shaded, 300, BinarizeSettings(method=method))  # type: ignore[arg-type]
    truth_ink = text_page() < 128
    assert set(np.unique(binary)) <= {INK, PAPER}
    found = binary == INK
    recall = (found & truth_ink).sum() / truth_ink.sum()
    precision = (found & truth_ink).sum() / max(found.sum(), 1)
    assert recall > 0.95 and precision > 0.9, (method, recall, precision)


@pytest.mark.parametrize("angle", [-7.3, -1.25, 0.0, 0.4, 3.0, 12.5])
def test_skew_is_found_within_a_tenth_of_a_degree(angle: float) -> None:
    skewed = rotate(text_page(), angle, fill=215)
    binary = binarize(skewed, 300)
    correction = detect_skew(binary)
    assert correction == pytest.approx(-angle, abs=0.1)


def test_rotation_keeps_every_pixel() -> None:
    page = np.full((100, 300), 255, np.uint8)
    page[:, :3] = 0  # ink at the left edge
    page[:, -3:] = 0  # and at the right edge
    turned = rotate(page, 10.0)
    assert turned.shape[0] > 100 and turned.shape[1] > 300
    assert (turned < 128).sum() == pytest.approx((page < 128).sum(), rel=0.1)


def test_blank_page_has_no_skew() -> None:
    assert detect_skew(np.full((200, 200), PAPER, np.uint8)) == 0.0


def test_skew_ignores_the_speckle_of_a_dark_scanner_background() -> None:
    """Grain of the dark bed around a page must not set the text size that skew detection keeps."""
    page = rotate(rendered_text_page(), -2.5, fill=230)
    rng = np.random.default_rng(0)
    scan = np.clip(rng.normal(45, 25, (page.shape[0] + 900, page.shape[1] + 900)), 0, 255)
    scan = scan.astype(np.uint8)
    scan[450 : 450 + page.shape[0], 450 : 450 + page.shape[1]] = page
    area = find_page_area(scan)
    assert area.background
    assert page_skew(binarize(scan, 300.0), area) == pytest.approx(2.5, abs=0.1)


def test_a_large_scan_is_measured_reduced_to_the_same_angle() -> None:
    page = rotate(rendered_text_page(), 1.5, fill=230)
    large = cv2.resize(page, None, fx=2.2, fy=2.2, interpolation=cv2.INTER_CUBIC)
    assert max(large.shape) > SKEW_SIDE  # measured at half size
    assert page_skew(binarize(large, 660.0), whole_image(large.shape)) == pytest.approx(
        -1.5, abs=0.05
    )


def test_skew_follows_the_text_not_the_hatching_of_a_woodcut() -> None:
    """Many small hatching strokes in rows at another angle must not outvote the text."""
    text = rotate(rendered_text_page(1400, 1000), -2.0, fill=230)
    cut = np.full((700, text.shape[1]), 230, np.uint8)
    rng = np.random.default_rng(1)
    for y in range(40, 560, 16):  # rows of short strokes tilted by 6 degrees
        for x in range(150, text.shape[1] - 200, 20):
            top = y + int((x - 150) * np.tan(np.radians(6.0)))
            cut[top : top + 4, x + rng.integers(0, 3) : x + 6] = 40
    page = np.vstack([cut, text])
    assert page_skew(binarize(page, 300.0), whole_image(page.shape)) == pytest.approx(2.0, abs=0.1)
