"""Synthetic pages: ground truth where the ink is, missing glyphs refused, pages filled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from layout.evaluation import match_lines
from layout.images.binarize import binarize
from layout.images.deskew import detect_skew
from layout.segment_classic import segment
from layout.synthetic import (
    FontCoverageError,
    PageStyle,
    missing_glyphs,
    page_of_texts,
    render_page,
)
from tests.factories import any_font

TEXT = [
    "Early in the morning the clerk opened the register and wrote the names of the "
    "children baptised that week, with their parents and godparents, in a careful hand.",
    "The second paragraph is short.",
]


def test_ground_truth_lines_sit_on_the_rendered_ink() -> None:
    style = PageStyle(width=1200, height=900, margin=80, font_size=30, skew=1.5)
    image, page = render_page(TEXT, any_font(), style, seed=3)
    assert image.shape == (page.height, page.width)
    assert " ".join(line.text for line in page.lines()).split() == " ".join(TEXT).split()
    found = segment(binarize(image, 300))
    match = match_lines(found, page)
    assert match.recall == 1.0 and match.precision == 1.0
    for line in page.lines():  # baselines are turned with the page
        assert line.baseline is not None
        (x0, y0), (x1, y1) = line.baseline[0], line.baseline[-1]
        assert np.degrees(np.arctan2(y0 - y1, x1 - x0)) == pytest.approx(1.5, abs=0.01)
    assert detect_skew(binarize(image, 300)) == pytest.approx(-1.5, abs=0.2)


def test_text_with_glyphs_the_font_lacks_is_refused() -> None:
    assert missing_glyphs("abc ſ", any_font()) <= {"ſ"}
    with pytest.raises(FontCoverageError, match="no glyph for"):
        render_page(["hieroglyph \U00013000"], any_font())


def test_text_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        render_page(TEXT * 10, any_font(), PageStyle(width=800, height=400, margin=50))


def test_a_page_of_texts_is_filled_with_whole_texts_the_font_can_set() -> None:
    lacking = next(c for c in "ſꝛ⸗\U00013000" if missing_glyphs(c, any_font()))
    texts = ["the clerk wrote", "names of the children", "godparents and witnesses",
             f"never set {lacking}"]  # fmt: skip
    style = PageStyle(width=900, height=700, margin=60, font_size=28)
    paragraphs = page_of_texts(texts, any_font(), style, np.random.default_rng(5))
    words = " ".join(paragraphs).split()
    assert lacking not in " ".join(paragraphs) and len(words) > 60
    # Every paragraph is whole texts laid end to end.
    settable = [t.split() for t in texts[:3]]
    for paragraph in paragraphs:
        rest = paragraph.split()
        while rest:
            head = next(t for t in settable if rest[: len(t)] == t)
            rest = rest[len(head) :]
    _, page = render_page(paragraphs, any_font(), style)
    bottom = max(y for line in page.lines() for _, y in line.polygon)
    assert bottom > style.height - style.margin - 3 * style.font_size * style.leading
    with pytest.raises(FontCoverageError, match="can set none"):
        page_of_texts(texts[3:], any_font(), style, np.random.default_rng(5))
