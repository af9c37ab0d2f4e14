"""Line-break hyphens written in one convention."""

from __future__ import annotations

import pytest

from recognition.decoding import Char, Recognized
from recognition.hyphens import text_with_line_end_hyphen, with_line_end_hyphen


def line(text: str, direction: str = "ltr") -> Recognized:
    chars = [Char(c, 0.5 + n / 100, 10.0 * n, 10.0 * n + 8) for n, c in enumerate(text)]
    return Recognized(text, 0.9, chars, direction)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("read", "written"),
    [
        ("Verſamm⸗", "Verſamm¬"),
        ("Verſamm-", "Verſamm¬"),
        ("Verſamm= ", "Verſamm¬ "),  # trailing space kept
        ("Verſamm¬", "Verſamm¬"),
        ("ſe \u0303-", "ſe \u0303¬"),  # after a combining mark, which belongs to a letter
    ],
)
def test_a_line_final_hyphen_after_a_letter_takes_the_convention(read: str, written: str) -> None:
    result = with_line_end_hyphen(line(read), "¬")
    assert result.text == written
    assert [c.text for c in result.chars] == list(written)
    before = line(read)
    assert [(c.confidence, c.x0, c.x1) for c in result.chars] == [
        (c.confidence, c.x0, c.x1) for c in before.chars
    ]
    assert result.confidence == before.confidence
    assert text_with_line_end_hyphen(read, "¬") == written


@pytest.mark.parametrize("read", ["Nord-Amerika", "1795 -", "-", "", "Seite 12 –", "wie --"])
def test_other_hyphens_and_dashes_stay_as_read(read: str) -> None:
    assert with_line_end_hyphen(line(read), "¬").text == read
    assert text_with_line_end_hyphen(read, "¬") == read


def test_unset_and_right_to_left_lines_stay_as_read() -> None:
    assert with_line_end_hyphen(line("Verſamm⸗"), None).text == "Verſamm⸗"
    assert text_with_line_end_hyphen("Verſamm⸗", None) == "Verſamm⸗"
    assert with_line_end_hyphen(line("שלום-", "rtl"), "¬").text == "שלום-"
    assert with_line_end_hyphen(line("Verſamm¬"), "⸗").text == "Verſamm⸗"
