"""``archive-ocr synth lines`` and ``synth pages``: synthetic training data.

``synth lines`` writes a line folder for ``train recognition``; ``synth pages``
writes page scans with their PAGE-XML ground truth, which ``cut-lines`` cuts
the way a run cuts lines (so a model also learns what the pipeline's line
images look like) and ``train layout`` reads as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from flows.files import png_bytes, write_atomic
from flows.segmentation import PageDirection
from layout.synthetic import PageStyle, page_of_texts, render_page
from layout.xmlio import serialize
from recognition.synthetic import (
    MAX_TEXT_CHARS,
    NoFontError,
    set_characters,
    settable_texts,
    synthetic_lines,
)


def read_texts(path: Path) -> list[str]:
    """One text per non-empty line of a UTF-8 file.

    Raises:
        ValueError: the file is not UTF-8 text, naming it.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} is not UTF-8 text ({err.reason})") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _texts_or_exit(path: Path) -> list[str]:
    """:func:`read_texts`, with a file that is not there or not UTF-8 text a usage error (2)."""
    try:
        lines = read_texts(path)
    except (OSError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    if not lines:
        typer.echo(f"error: no text in {path}", err=True)
        raise typer.Exit(2)
    return lines


def synth_lines_command(
    *,
    texts: Annotated[Path, typer.Option(help="UTF-8 file, one line of text per line.")],
    fonts: Annotated[list[Path], typer.Option("--font", help="Font files (repeatable).")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Folder for <id>.png + .gt.txt.")],
    count: Annotated[int, typer.Option(help="Lines to make.")] = 1000,
    seed: int = 0,
    strength: Annotated[float, typer.Option(help="Degradation, 0 (none) to 1 (heavy).")] = 0.6,
    prefix: Annotated[str, typer.Option(help="File-name prefix of the lines.")] = "synth",
) -> None:
    """Render texts in the fonts, degrade them, and write a line folder.

    A text is only set in fonts that have every one of its glyphs; texts that
    no font can set, or longer than 400 characters (a paragraph, not a
    line), are left out, and counted.
    """
    lines = _texts_or_exit(texts)
    left_out = len(lines) - len(settable_texts(lines, fonts))
    if left_out:
        typer.echo(f"{left_out} of {len(lines)} texts left out: no font has all their "
                   f"glyphs, or longer than {MAX_TEXT_CHARS} characters")  # fmt: skip
    try:
        for n, sample in enumerate(synthetic_lines(lines, fonts, count, seed=seed,
                                                   strength=strength)):  # fmt: skip
            stem = out_dir / f"{prefix}-{n:06d}"
            write_atomic(stem.with_suffix(".png"), png_bytes(sample.image))
            write_atomic(stem.with_name(stem.name + ".gt.txt"), (sample.text + "\n").encode())
    except (NoFontError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    typer.echo(f"{count} lines in {out_dir}")


def _page_style(rng: np.random.Generator, direction: PageDirection) -> PageStyle:
    """A page of a random size, type size, leading, paper and skew."""
    width = int(rng.integers(1100, 1700))
    return PageStyle(
        width=width, height=int(width * rng.uniform(1.3, 1.5)),
        margin=int(rng.integers(80, 160)), font_size=int(rng.integers(30, 49)),
        leading=float(rng.uniform(1.3, 1.7)), indent=int(rng.integers(0, 80)),
        paper=int(rng.integers(215, 246)), ink=int(rng.integers(15, 60)),
        grain=float(rng.uniform(3.0, 9.0)), skew=float(rng.uniform(-1.5, 1.5)),
        direction=direction,
    )  # fmt: skip


def synth_pages_command(
    *,
    texts: Annotated[Path, typer.Option(help="UTF-8 file, one line of text per line.")],
    fonts: Annotated[list[Path], typer.Option("--font", help="Font files (repeatable).")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Folder for <id>.png + .xml.")],
    count: Annotated[int, typer.Option(help="Pages to make.")] = 100,
    seed: int = 0,
    direction: Annotated[
        PageDirection, typer.Option(help="rtl: lines set from the right (Arabic, Hebrew).")
    ] = "ltr",
    prefix: Annotated[str, typer.Option(help="File-name prefix of the pages.")] = "page",
) -> None:
    """Render pages of paragraphs drawn from the texts, with PAGE-XML ground truth.

    Each page takes one font at random and as many texts, in paragraphs, as fit
    it; type size (30-48 px), leading, margins, paper, ink and skew (within 1.5
    degrees) vary from page to page. A font is only given texts it has every
    glyph for. ``archive-ocr cut-lines OUT`` then cuts the lines as a run would.

    A text is set as a page shows it, and transcribed as set
    (:func:`recognition.synthetic.set_characters`): a left-to-right text's
    editorial signs (``S^t``, ``>struck<``, ``¬``) become the letters they
    stand for and line-break hyphens become ``-``, because paragraphs re-wrap
    the texts and a page's lines are labelled with what they show.
    """
    lines = [drawn for text in _texts_or_exit(texts) if (drawn := set_characters(text).strip())]
    if not lines:
        typer.echo(f"error: no text in {texts}", err=True)
        raise typer.Exit(2)
    rng = np.random.default_rng(seed)
    try:
        for n in range(count):
            font = fonts[int(rng.integers(len(fonts)))]
            style = _page_style(rng, direction)
            paragraphs = page_of_texts(lines, font, style, rng)
            name = f"{prefix}-{n:06d}"
            image, page = render_page(paragraphs, font, style, int(rng.integers(2**31)),
                                      name=f"{name}.png")  # fmt: skip
            write_atomic(out_dir / f"{name}.png", png_bytes(image))
            write_atomic(out_dir / f"{name}.xml", serialize(page, "page"))
    except (ValueError, OSError) as err:  # FontCoverageError is a ValueError
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    typer.echo(f"{count} pages in {out_dir}")
