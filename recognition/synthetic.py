"""Synthetic training lines: text set in real fonts, then degraded like old print and paper.

:func:`render_line` sets one line (right-to-left scripts through Pillow's raqm
layout, text kept in logical order; a left-to-right transcription's editorial
signs drawn as the page shows them, :mod:`recognition.conventions`);
:func:`synthetic_lines` draws texts and fonts at random, never pairs a text
with a font that lacks one of the glyphs it draws (a missing glyph renders
blank under a label that still names it), and degrades each line
(:mod:`recognition.degrade`). The samples mix freely with
real lines in training.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

from recognition.bidi import line_direction
from recognition.conventions import HYPHEN_SHAPES, Run, drawn_runs, drawn_text
from recognition.data import LineSample
from recognition.degrade import degrade


class NoFontError(ValueError):
    """No font given covers the text."""


@functools.cache
def font_coverage(font: Path) -> frozenset[int]:
    """Code points the font has glyphs for."""
    with TTFont(str(font), lazy=True, fontNumber=0) as face:
        return frozenset((face.getBestCmap() or {}).keys())


def covers(font: Path, text: str) -> bool:
    """Whether the font has a glyph for every character of ``text`` but whitespace."""
    cmap = font_coverage(font)
    return all(c.isspace() or ord(c) in cmap for c in text)


RAISED_SIZE = 0.6
"""Size of superscript letters against the line's type."""


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run placed on the line: its pen position, its rise above the baseline, its face."""

    run: Run
    face: ImageFont.FreeTypeFont
    x: float
    rise: int


def _pieces(runs: Sequence[Run], font: Path, face: ImageFont.FreeTypeFont) -> list[_Piece]:
    """The runs one after another; raised runs smaller and lifted by 0.4 of the ascent."""
    small = ImageFont.truetype(str(font), max(6, round(face.size * RAISED_SIZE)),
                               layout_engine=face.layout_engine)  # fmt: skip
    lift = -round(face.getmetrics()[0] * 0.4)
    pieces, x = [], 0.0
    for run in runs:
        raised = run.style == "raised"
        piece = _Piece(run, small if raised else face, x, lift if raised else 0)
        pieces.append(piece)
        x += piece.face.getlength(run.text)
    return pieces


def _extent(pieces: Sequence[_Piece], direction: str | None) -> tuple[float, ...]:
    """Left, top, right and bottom of the pieces' ink, from the pen's start on the baseline."""
    boxes = [(p.x, p.rise, p.face.getbbox(p.run.text, direction=direction, anchor="ls"))
             for p in pieces]  # fmt: skip
    return (min((x + box[0] for x, _, box in boxes), default=0),
            min((rise + box[1] for _, rise, box in boxes), default=0),
            max((x + box[2] for x, _, box in boxes), default=0),
            max((rise + box[3] for _, rise, box in boxes), default=0))  # fmt: skip


def render_line(text: str, font: Path, size: int = 40, padding: int = 6, *,
                hyphen: str = "-", struck_filler: str = "") -> np.ndarray:  # fmt: skip
    """The text in black on white (uint8), tight around its ascent and descent or ink.

    A left-to-right transcription is drawn as the page shows it
    (:func:`recognition.conventions.drawn_runs`: ``S^t`` with a raised t,
    ``¬`` as ``hyphen``, ``>…<`` struck through, ``><`` as ``struck_filler``
    struck through).
    """
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    face = ImageFont.truetype(str(font), size, layout_engine=engine)
    direction = None
    if line_direction(text) == "rtl":
        # The paragraph direction the labels are reordered by (recognition.bidi).
        direction = "rtl" if engine == ImageFont.Layout.RAQM else None
        pieces = [_Piece(Run(text), face, 0.0, 0)]
    else:
        pieces = _pieces(drawn_runs(text, hyphen, struck_filler), font, face)
    left, top, right, bottom = _extent(pieces, direction)
    ascent, descent = face.getmetrics()
    # A font's declared ascent and descent are the line's box, unless its ink
    # reaches further (Joscelyn declares a negative descent): nothing is clipped.
    above, below = max(ascent, int(np.ceil(-top))), max(descent, int(np.ceil(bottom)))
    width = int(np.ceil(right - left)) + 2 * padding
    canvas = Image.new("L", (max(width, 8), above + below + 2 * padding), 255)
    draw = ImageDraw.Draw(canvas)
    for piece in pieces:
        x, y = padding - left + piece.x, padding + above + piece.rise
        draw.text((x, y), piece.run.text, font=piece.face, fill=0, anchor="ls",
                  direction=direction)  # fmt: skip
        if piece.run.style == "struck":
            strike = y - round(ascent * 0.3)
            draw.line([(x, strike), (x + piece.face.getlength(piece.run.text), strike)],
                      fill=0, width=max(1, round(size / 15)))  # fmt: skip
    return np.asarray(canvas)


def set_characters(text: str) -> str:
    """The characters setting ``text`` draws.

    A left-to-right transcription's editorial signs as the page shows them
    (line-break hyphens as ``-``); right-to-left text as written.
    """
    return text if line_direction(text) == "rtl" else drawn_text(text)


def fonts_for(text: str, fonts: Sequence[Path]) -> list[Path]:
    """The fonts that have every glyph ``text`` draws (:func:`set_characters`)."""
    needed = set_characters(text)
    return [font for font in fonts if covers(font, needed)]


MAX_TEXT_CHARS = 400
"""Longest text set as one line: a page's line, not a paragraph (OpenCV's image
warps stop at 32,767 pixels, about 600 characters at the largest type size)."""


def settable_texts(texts: Sequence[str], fonts: Sequence[Path]) -> list[str]:
    """The texts (NFC) of at most :data:`MAX_TEXT_CHARS` that a font has every glyph for."""
    normalised = (unicodedata.normalize("NFC", text) for text in texts)
    return [text for text in normalised if len(text) <= MAX_TEXT_CHARS and fonts_for(text, fonts)]


def _filler(text: str, rng: np.random.Generator) -> str:
    """Two to six of the text's own letters: what ``><`` (illegible, struck out) hides."""
    letters = [c for c in text if c.isalpha()] or list("mnuoe")
    return "".join(rng.choice(letters, int(rng.integers(2, 7))))


def synthetic_lines(
    texts: Sequence[str],
    fonts: Sequence[Path],
    count: int,
    *,
    seed: int = 0,
    strength: float = 0.6,
    sizes: tuple[int, int] = (28, 56),
) -> Iterator[LineSample]:
    """``count`` degraded lines from random texts in random fonts that cover them.

    Texts that no font covers, and texts too long for one line, are left out
    (:func:`settable_texts`).

    Raises:
        NoFontError: when no font covers any of the texts.
    """
    settable = settable_texts(texts, fonts)
    if not settable:
        raise NoFontError(f"no font covers any of the {len(texts)} texts, e.g. {texts[0]!r}")
    rng = np.random.default_rng(seed)
    for n in range(count):
        text = settable[int(rng.integers(len(settable)))]
        usable = fonts_for(text, fonts)
        font = usable[int(rng.integers(len(usable)))]
        # a font without "-" never gets a text with a line-break hyphen (fonts_for)
        hyphens = [shape for shape in HYPHEN_SHAPES if covers(font, shape)] or ["-"]
        size = int(rng.integers(sizes[0], sizes[1] + 1))
        image = render_line(text, font, size, hyphen=hyphens[int(rng.integers(len(hyphens)))],
                            struck_filler=_filler(text, rng))  # fmt: skip
        image = degrade(image, rng, strength * rng.uniform(0.2, 1.0))
        yield LineSample(image, text, f"synthetic:{font.name}:{n}")
