"""Synthetic page scans from real fonts, with their ground truth.

:func:`render_page` sets paragraphs in a font (justified lines, first-line
indent), on paper with a little grain and uneven tone, turns the page by a
small skew as a scanner would, and returns the greyscale image together with
a :class:`~layout.document.Page` whose lines carry outline, baseline and text,
in the image's coordinates. The shipped sample scans are made with it
(``archive-ocr samples``), and so are test pages.

A glyph missing from the font would render blank under a label that still
names it; :func:`missing_glyphs` checks the text against the font's character
map first, and :func:`render_page` refuses such text.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from layout.document import Direction, Page, Region, TextLine
from layout.images.deskew import rotate, rotation_matrix
from layout.transform import transform_page


class FontCoverageError(ValueError):
    """The text uses characters the font has no glyph for."""


@dataclass(frozen=True, slots=True)
class PageStyle:
    """How a synthetic page looks."""

    width: int = 1600
    height: int = 2300
    margin: int = 150
    font_size: int = 40
    leading: float = 1.45
    """Line pitch as a multiple of the font size."""
    indent: int = 60
    paper: int = 236
    ink: int = 28
    grain: float = 6.0
    """Standard deviation of the paper's noise, in grey levels."""
    skew: float = 0.6
    """Degrees counter-clockwise that the page is turned."""
    dpi: int = 300
    direction: Direction = "ltr"
    """``rtl`` sets lines from the right margin, words shaped right to left (raqm)."""


@functools.cache
def _cmap(font: Path) -> frozenset[int]:
    with TTFont(str(font), lazy=True) as face:
        return frozenset((face.getBestCmap() or {}).keys())


def missing_glyphs(text: str, font: Path) -> set[str]:
    """Characters of ``text`` (other than whitespace) that the font has no glyph for."""
    cmap = _cmap(font)
    return {c for c in set(text) if not c.isspace() and ord(c) not in cmap}


def _wrap(words: list[str], font: ImageFont.FreeTypeFont, width: float, indent: int) -> list[str]:
    lines: list[str] = []
    current: list[str] = []
    for word in words:
        candidate = " ".join([*current, word])
        room = width - (indent if not lines else 0)
        if current and font.getlength(candidate) > room:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _set_line(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont,
              origin: tuple[float, float], *, width: float | None, ink: int,
              rtl: bool = False) -> float:  # fmt: skip
    """Draw one line from ``origin`` on its baseline, justified to ``width`` if given.

    Left-to-right lines start at ``origin`` and the x of their right end is
    returned; right-to-left ones start there and run leftwards to the x returned.
    """
    x, baseline = origin
    words = text.split(" ")
    direction = "rtl" if rtl else None
    lengths = [font.getlength(w, direction=direction) for w in words]
    space = font.getlength(" ")
    if width is not None and len(words) > 1:
        space = (width - sum(lengths)) / (len(words) - 1)
    step = -1 if rtl else 1
    for word, length in zip(words, lengths, strict=True):
        draw.text((x, baseline), word, font=font, fill=ink, anchor="rs" if rtl else "ls",
                  direction=direction)  # fmt: skip
        x += step * (length + space)
    return x - step * space


@dataclass(frozen=True, slots=True)
class _Placed:
    """One line of a page as laid out: its text, where it starts, its justified width."""

    text: str
    start: float
    baseline: float
    justify: float | None


def _lay_out(paragraphs: list[str], font: ImageFont.FreeTypeFont,
             style: PageStyle) -> list[_Placed]:  # fmt: skip
    """Break the paragraphs into lines and place them on the page, top to bottom.

    Raises:
        ValueError: when the text does not fit on the page.
    """
    ascent, descent = font.getmetrics()
    measure = style.width - 2 * style.margin
    pitch = style.font_size * style.leading
    baseline = float(style.margin + ascent)
    placed: list[_Placed] = []
    for paragraph in paragraphs:
        wrapped = _wrap(paragraph.split(), font, measure, style.indent)
        for n, text in enumerate(wrapped):
            if baseline + descent > style.height - style.margin:
                raise ValueError("the text does not fit on the page")
            start = float(style.margin + (style.indent if n == 0 else 0))
            last = n == len(wrapped) - 1
            justify = None if last else measure - (start - style.margin)
            if style.direction == "rtl":
                start = style.width - start
            placed.append(_Placed(text, start, baseline, justify))
            baseline += pitch
        baseline += pitch * 0.3
    return placed


def render_page(paragraphs: list[str], font_path: Path, style: PageStyle | None = None,
                seed: int = 0, name: str = "page.png") -> tuple[np.ndarray, Page]:  # fmt: skip
    """The page image (uint8 grey) and its ground truth, lines in reading order.

    Raises:
        FontCoverageError: when the font lacks a glyph the text uses.
        ValueError: when the text does not fit on the page.
    """
    style = style or PageStyle()
    missing = missing_glyphs(" ".join(paragraphs), font_path)
    if missing:
        raise FontCoverageError(f"{font_path.name} has no glyph for {''.join(sorted(missing))}")
    rng = np.random.default_rng(seed)
    rtl = style.direction == "rtl"
    font = ImageFont.truetype(str(font_path), style.font_size)
    ascent, descent = font.getmetrics()
    canvas = Image.new("L", (style.width, style.height), 255)
    draw = ImageDraw.Draw(canvas)
    lines: list[TextLine] = []
    for line in _lay_out(paragraphs, font, style):
        end = _set_line(draw, line.text, font, (line.start, line.baseline), width=line.justify,
                        ink=style.ink, rtl=rtl)  # fmt: skip
        x0, x1 = min(line.start, end), max(line.start, end)
        top, bottom = line.baseline - ascent, line.baseline + descent
        lines.append(TextLine(
            id=f"l{len(lines) + 1}", text=line.text,
            baseline=((x0, line.baseline), (x1, line.baseline)),
            polygon=((x0, top), (x1, top), (x1, bottom), (x0, bottom)),
            direction=style.direction,
        ))  # fmt: skip
    ink = 1.0 - np.asarray(canvas, np.float32) / 255.0
    tone = style.paper + rng.normal(0, style.grain, ink.shape) + _uneven(rng, ink.shape)
    grey = np.clip(tone * (1 - ink) + style.ink * ink, 0, 255).astype(np.uint8)
    turned = rotate(grey, style.skew, fill=style.paper)
    matrix, (width, height) = rotation_matrix(grey.shape, style.skew)
    left = min(x for line in lines for x, _ in line.polygon)
    right = max(x for line in lines for x, _ in line.polygon)
    lowest = max(y for line in lines for _, y in line.polygon)
    region = Region("r1", polygon=((left, style.margin), (right, style.margin),
                                   (right, lowest), (left, lowest)),
                    type="paragraph", lines=lines, direction=style.direction)  # fmt: skip
    page = Page(name, style.width, style.height, dpi=(style.dpi, style.dpi), regions=[region],
                reading_order=["r1"], direction=style.direction)  # fmt: skip
    return turned, transform_page(page, matrix, width, height)


def page_of_texts(texts: Sequence[str], font_path: Path, style: PageStyle,
                  rng: np.random.Generator, *, tries: int = 400) -> list[str]:  # fmt: skip
    """Paragraphs of texts drawn at random that fill the page as far as they fit.

    Only texts the font has every glyph for are drawn; each paragraph takes one
    to six of them. The result goes to :func:`render_page` with the same font
    and style.

    Raises:
        FontCoverageError: when the font can set none of the texts.
        ValueError: when not even one text fits the page.
    """
    cmap = _cmap(font_path)
    usable = [t for t in texts if all(c.isspace() or ord(c) in cmap for c in t)]
    if not usable:
        raise FontCoverageError(f"{font_path.name} can set none of the {len(texts)} texts")
    font = ImageFont.truetype(str(font_path), style.font_size)
    paragraphs: list[str] = []
    for _ in range(tries):
        text = usable[int(rng.integers(len(usable)))]
        grow = bool(paragraphs) and rng.random() < 5 / 6
        candidate = [*paragraphs[:-1], f"{paragraphs[-1]} {text}"] if grow else [*paragraphs, text]
        try:
            _lay_out(candidate, font, style)
        except ValueError:
            break
        paragraphs = candidate
    if not paragraphs:
        raise ValueError("not even one text fits the page")
    return paragraphs


def _uneven(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A slow shading across the sheet, up to about eight grey levels."""
    rows = np.linspace(0, 1, shape[0])[:, None]
    cols = np.linspace(0, 1, shape[1])[None, :]
    a, b = rng.uniform(-4, 4, 2)
    return np.asarray(a * rows + b * cols, np.float64)
