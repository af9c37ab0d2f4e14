"""Editorial signs of a transcription become what the page shows, for synthetic lines."""

from __future__ import annotations

from recognition.conventions import Run, drawn_runs, drawn_text


def test_superscripts_are_raised_runs_of_the_letters_after_the_caret() -> None:
    assert drawn_runs("S^t Pierre, le 1^er may") == [
        Run("S"), Run("t", "raised"), Run(" Pierre, le 1"), Run("er", "raised"), Run(" may"),
    ]  # fmt: skip
    assert drawn_runs("M^r.") == [Run("M"), Run("r", "raised"), Run(".")]
    # combining marks stay with their letter
    assert drawn_runs("q^ũ") == [Run("q"), Run("ũ", "raised")]


def test_struck_text_is_drawn_struck_and_an_illegible_strike_gets_filler() -> None:
    assert drawn_runs("de >la< maison") == [Run("de "), Run("la", "struck"), Run(" maison")]
    assert drawn_runs("de >< maison", struck_filler="mot") == [
        Run("de "), Run("mot", "struck"), Run(" maison"),
    ]  # fmt: skip


def test_line_break_hyphen_and_insertion_mark_take_their_drawn_shapes() -> None:
    assert drawn_runs("quoſ¬", hyphen="⸗") == [Run("quoſ⸗")]
    assert drawn_runs("a⎀b") == [Run("a^b")]


def test_signs_without_their_partner_are_drawn_as_written() -> None:
    assert drawn_runs("x > y") == [Run("x > y")]
    assert drawn_runs("a ^ b^") == [Run("a ^ b^")]
    assert drawn_runs("") == []


def test_drawn_text_is_what_a_font_must_have() -> None:
    assert drawn_text("S^t >x< y¬") == "St x y-"
    assert drawn_text("plain text, 1701.") == "plain text, 1701."
