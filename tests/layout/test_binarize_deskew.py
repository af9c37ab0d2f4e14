"""Binarization and deskew on synthetic pages whose truth is known."""

from __future__ import annotations

import numpy as np
import pytest

from layout.images.binarize import INK, PAPER, BinarizeSettings, binarize, window_for_dpi
from layout.images.deskew import detect_skew, rotate
from tests.factories import text_page


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
