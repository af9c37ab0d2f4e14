"""What a transcription's editorial signs look like on the page, for synthetic lines.

CATMuS-style ground truth (CREMMA, HTRomance, the Poilus wills) writes with
signs the page does not show: ``^`` before superscript letters (``S^t``,
``1^er``), ``¬`` for the hyphen at a line break, ``>…<`` around struck-out
text (``><`` where what is struck is illegible) and ``⎀`` for an insertion
mark. Set literally, a synthetic line would teach the recogniser to read a
caret where the page has a raised letter, and a not-sign where it has a
hyphen. :func:`drawn_runs` turns a transcription into what to draw: runs of
plain, raised and struck-through text, a line-break hyphen drawn as a hyphen.
The transcription stays the line's label.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

RunStyle = Literal["plain", "raised", "struck"]

HYPHEN_SHAPES = ("-", "=", "⸗")
"""Shapes the line-break hyphen ``¬`` takes in print and hands."""

INSERTION_MARK = "^"
"""How the insertion sign ``⎀`` is drawn: a caret below the line of writing."""


@dataclass(frozen=True, slots=True)
class Run:
    """Text drawn in one style."""

    text: str
    style: RunStyle = "plain"


def _is_letter(char: str) -> bool:
    """A letter, digit or combining mark: what a superscript run is made of."""
    return unicodedata.category(char)[0] in "LNM"


def _raised(text: str, start: int) -> int:
    """End of the superscript run that begins at ``start``."""
    end = start
    while end < len(text) and _is_letter(text[end]):
        end += 1
    return end


def drawn_runs(text: str, hyphen: str = "-", struck_filler: str = "") -> list[Run]:
    """The runs that show ``text`` as a page would.

    ``hyphen`` is the shape drawn for ``¬``; ``struck_filler`` is the text
    drawn struck through for ``><`` (nothing legible struck out). A ``^``
    before no letter, and a ``>`` without its ``<``, are drawn as they are.
    """
    runs: list[Run] = []
    plain: list[str] = []

    def close(run: Run) -> None:
        if plain:
            runs.append(Run("".join(plain)))
            plain.clear()
        if run.text:
            runs.append(run)

    i = 0
    while i < len(text):
        char = text[i]
        if char == "^" and (end := _raised(text, i + 1)) > i + 1:
            close(Run(text[i + 1 : end], "raised"))
            i = end
            continue
        if char == ">" and (end := text.find("<", i + 1)) > i:
            close(Run(text[i + 1 : end] or struck_filler, "struck"))
            i = end + 1
            continue
        plain.append(hyphen if char == "¬" else INSERTION_MARK if char == "⎀" else char)
        i += 1
    close(Run(""))
    return runs


def drawn_text(text: str) -> str:
    """The characters drawing ``text`` takes (its hyphens as ``-``): what a font must have."""
    return "".join(run.text for run in drawn_runs(text))
