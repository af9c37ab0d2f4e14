"""Orientation: sideways pages turned upright, upside-down pages flagged or scored."""

from __future__ import annotations

import numpy as np
import pytest

from layout.images.binarize import binarize
from layout.images.loading import PageImage
from layout.images.orientation import (
    apply_orientation,
    ascender_asymmetry,
    detect_orientation,
)
from layout.images.preprocess import PreprocessSettings, preprocess
from tests.factories import rendered_text_page


@pytest.fixture(scope="module")
def upright() -> np.ndarray:
    return binarize(rendered_text_page(), 300)


@pytest.mark.parametrize(("turns", "correction"), [(0, 0), (1, 270), (3, 90)])
def test_upright_and_sideways_pages(upright: np.ndarray, turns: int, correction: int) -> None:
    """A page turned by quarter turns counter-clockwise is turned back."""
    result = detect_orientation(np.ascontiguousarray(np.rot90(upright, turns)))
    assert result.correction == correction
    assert not result.upside_down_suspected
    fixed = apply_orientation(np.rot90(upright, turns), result.correction)
    assert np.array_equal(fixed, upright)


def test_upside_down_is_flagged_not_turned_without_a_scorer(upright: np.ndarray) -> None:
    result = detect_orientation(np.ascontiguousarray(np.rot90(upright, 2)))
    assert result.correction == 0
    assert result.upside_down_suspected


def test_a_scorer_decides_upside_down(upright: np.ndarray) -> None:
    calls: list[tuple[int, ...]] = []

    def ascender_score(page: np.ndarray) -> float:  # stands in for recogniser confidence
        calls.append(page.shape)
        return ascender_asymmetry(page == 0)

    flipped = np.ascontiguousarray(np.rot90(upright, 2))
    result = detect_orientation(flipped, scorer=ascender_score)
    assert len(calls) == 2
    assert (result.correction, result.decided_by) == (180, "scorer")
    calls.clear()
    result = detect_orientation(upright, scorer=ascender_score)  # the cue is sure: not asked
    assert (result.correction, result.decided_by, calls) == (0, "profile", [])


def test_preprocess_turns_a_sideways_scan_upright() -> None:
    grey = np.ascontiguousarray(np.rot90(rendered_text_page(), 1))
    page = PageImage(grey, 300.0, False, 0, 1, "PNG", "L")
    result = preprocess(page, PreprocessSettings())
    assert result.orientation.correction == 270
    assert result.grey.shape[0] > result.grey.shape[1]  # portrait again
    assert result.skew_angle == pytest.approx(0.0, abs=0.1)
