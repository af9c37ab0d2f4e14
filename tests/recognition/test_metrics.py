"""Error rates over graphemes and the normalisation policies."""

from __future__ import annotations

import pytest

from recognition.metrics import EditCount, char_errors, graphemes, word_errors
from recognition.normalization import normalize


def test_combining_marks_count_as_one_character() -> None:
    assert graphemes("Thuͤr") == ["T", "h", "uͤ", "r"]
    assert char_errors("Thur", "Thuͤr") == EditCount(1, 4)


def test_rates_add_over_files() -> None:
    total = char_errors("abc", "abd") + char_errors("", "xyz")
    assert total == EditCount(4, 6)
    assert total.rate == pytest.approx(4 / 6)
    assert EditCount(0, 0).rate == 0.0
    assert EditCount(2, 0).rate == 1.0


def test_word_errors() -> None:
    assert word_errors("der alte  Mann", "der alte Mann") == EditCount(0, 3)
    assert word_errors("der alle Mann", "der alte Mann") == EditCount(1, 3)


def test_raw_normalisation_changes_encoding_only() -> None:
    decomposed = "Cafe\u0301"
    assert normalize(decomposed) == "Café"
    assert normalize("\uf502\ueada ﬁ") == "chſt fi"  # ligature code points spelt out
    assert normalize("ſ — ’") == "ſ — ’"  # letters and punctuation kept


def test_historical_normalisation_folds_diplomatic_variants() -> None:
    assert normalize("Daſs ſchoͤn  ꝛ⸗ „x“ —", "historical") == 'Dass schön r- "x" –'
    assert normalize("  a \n b  ", "historical") == "a\nb"
    assert normalize("Vnd IESVS", "historical") == "Vnd IESVS"  # u/v, i/j kept
