"""The sign written for a word broken at the end of a line: as read, or one convention.

Transcription guidelines disagree on it. CATMuS-style ground truth (CREMMA,
HTRomance) writes ``¬`` whatever the page shows; OCR-D's guidelines keep the
printed form (``⸗`` for the double hyphen of Fraktur and early print, ``-``);
a reading text wants ``-``. The recogniser writes the sign that its training
lines wrote for the glyph it sees, and those lines follow different
conventions: the double hyphen of a sixteenth-century Antiqua book comes out
``⸗`` (as Fraktur ground truth writes it) where CATMuS would write ``¬``.
:func:`with_line_end_hyphen` writes every line-final hyphen one way.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Literal

from recognition.decoding import Recognized

LineEndHyphen = Literal["-", "⸗", "¬"]
"""The signs a line-break hyphen can be written as."""

HYPHEN_HELP = (
    "Write a word broken at a line end with this sign (¬ as CATMuS does, ⸗ or -), "
    "whatever was read; unset: as read."
)
"""What a line-end hyphen option or setting does, in the words of the CLI and the settings."""

LINE_END_HYPHENS = frozenset({"-", "⸗", "¬", "=", "\u00ad", "‐"})
"""Signs read as a line-break hyphen when they end a line right after a letter."""


def _is_letter(text: str) -> bool:
    return bool(text) and unicodedata.category(text[0])[0] in "LM"


def _hyphen_at(signs: list[str], mark: str) -> int | None:
    """Index of the line-break hyphen among a line's signs, if it is not ``mark`` already."""
    last = len(signs) - 1
    while last >= 0 and signs[last].isspace():
        last -= 1
    if last < 1 or signs[last] not in LINE_END_HYPHENS or signs[last] == mark:
        return None
    return last if _is_letter(signs[last - 1]) else None


def with_line_end_hyphen(recognised: Recognized, mark: LineEndHyphen | None) -> Recognized:
    """The line with its final hyphen written as ``mark``; as it is for ``None``.

    Only a hyphen that follows a letter (trailing spaces aside) on a
    left-to-right line is a line-break hyphen: a dash standing alone, or a
    right-to-left line's signs, stay as read. The character keeps its
    confidence and position.
    """
    if mark is None or recognised.direction != "ltr":
        return recognised
    chars = recognised.chars
    at = _hyphen_at([c.text for c in chars], mark)
    if at is None:
        return recognised
    written = [*chars[:at], replace(chars[at], text=mark), *chars[at + 1 :]]
    return Recognized("".join(c.text for c in written), recognised.confidence, written,
                      recognised.direction)  # fmt: skip


def text_with_line_end_hyphen(text: str, mark: LineEndHyphen | None) -> str:
    """:func:`with_line_end_hyphen` for a plain left-to-right line (another engine's)."""
    if mark is None or (at := _hyphen_at(list(text), mark)) is None:
        return text
    return text[:at] + mark + text[at + 1 :]
