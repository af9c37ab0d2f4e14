"""Synthetic training lines: text set in real fonts, then degraded like old print and paper.

:func:`render_line` sets one line (right-to-left scripts through Pillow's raqm
layout, text kept in logical order); :func:`synthetic_lines` draws texts and
fonts at random, never pairs a text with a font that lacks one of its glyphs
(a missing glyph renders blank under a label that still names it), and
degrades each line (:mod:`recognition.degrade`). The samples mix freely with
real lines in training.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

from recognition.bidi import line_direction
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


def render_line(text: str, font: Path, size: int = 40, padding: int = 6) -> np.ndarray:
    """The text in black on white (uint8), tight around its ascent and descent or ink."""
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    face = ImageFont.truetype(str(font), size, layout_engine=engine)
    # The paragraph direction the labels are reordered by (recognition.bidi).
    direction = "rtl" if line_direction(text) == "rtl" and engine == ImageFont.Layout.RAQM else None
    left, top, right, bottom = face.getbbox(text, direction=direction, anchor="ls")
    ascent, descent = face.getmetrics()
    # A font's declared ascent and descent are the line's box, unless its ink
    # reaches further (Joscelyn declares a negative descent): nothing is clipped.
    above, below = max(ascent, int(np.ceil(-top))), max(descent, int(np.ceil(bottom)))
    width = int(np.ceil(right - left)) + 2 * padding
    canvas = Image.new("L", (max(width, 8), above + below + 2 * padding), 255)
    ImageDraw.Draw(canvas).text((padding - left, padding + above), text, font=face, fill=0,
                                anchor="ls", direction=direction)  # fmt: skip
    return np.asarray(canvas)


MAX_TEXT_CHARS = 400
"""Longest text set as one line: a page's line, not a paragraph (OpenCV's image
warps stop at 32,767 pixels, about 600 characters at the largest type size)."""


def settable_texts(texts: Sequence[str], fonts: Sequence[Path]) -> list[str]:
    """The texts (NFC) of at most :data:`MAX_TEXT_CHARS` that a font has every glyph for."""
    normalised = (unicodedata.normalize("NFC", text) for text in texts)
    return [
        text
        for text in normalised
        if len(text) <= MAX_TEXT_CHARS and any(covers(font, text) for font in fonts)
    ]


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
        usable = [font for font in fonts if covers(font, text)]
        font = usable[int(rng.integers(len(usable)))]
        image = render_line(text, font, int(rng.integers(sizes[0], sizes[1] + 1)))
        image = degrade(image, rng, strength * rng.uniform(0.2, 1.0))
        yield LineSample(image, text, f"synthetic:{font.name}:{n}")
