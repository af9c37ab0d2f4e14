"""Attach recognised text to a line: words and glyphs placed on the page.

The recogniser reports characters with x ranges in the line image; the line's
:class:`~layout.line_images.LineGeometry` turns each range into a page
quadrilateral. Words are runs of non-space characters (in logical order, so
on a right-to-left line they run leftwards); a word's confidence is the mean
of its characters'. Characters are accepted from any object with
``text``, ``confidence``, ``x0`` and ``x1`` (layout does not import the
recogniser).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from layout.document import Glyph, TextLine, Word
from layout.line_images import LineGeometry


class CharLike(Protocol):
    """A recognised character and its x range in the line image."""

    @property
    def text(self) -> str:
        """The grapheme."""
        ...

    @property
    def confidence(self) -> float:
        """In [0, 1]."""
        ...

    @property
    def x0(self) -> float:
        """Left edge in line-image pixels."""
        ...

    @property
    def x1(self) -> float:
        """Right edge in line-image pixels."""
        ...


def _word(run: Sequence[CharLike], geometry: LineGeometry, with_glyphs: bool) -> Word:
    glyphs = (
        [Glyph(c.text, geometry.span_polygon(c.x0, c.x1), c.confidence) for c in run]
        if with_glyphs
        else []
    )  # placing every character is most of the work: only when asked for
    return Word(
        text="".join(c.text for c in run),
        polygon=geometry.span_polygon(min(c.x0 for c in run), max(c.x1 for c in run)),
        confidence=float(np.mean([c.confidence for c in run])),
        glyphs=glyphs,
    )


def attach_text(
    line: TextLine,
    text: str,
    confidence: float,
    chars: Sequence[CharLike],
    geometry: LineGeometry,
    *,
    glyphs: bool = False,
) -> None:
    """Set the line's text and confidence, and its words placed on the page.

    Glyph-level output is kept only when ``glyphs`` is true.
    """
    line.text = text
    line.confidence = confidence
    words: list[Word] = []
    run: list[CharLike] = []
    for char in [*chars, None]:
        if char is None or char.text.isspace():
            if run:
                words.append(_word(run, geometry, glyphs))
            run = []
        else:
            run.append(char)
    line.words = words
