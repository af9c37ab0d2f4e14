"""``archive-ocr synth lines``: a line folder of synthetic lines for ``train recognition``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.files import png_bytes, write_atomic
from recognition.synthetic import NoFontError, settable_texts, synthetic_lines


def read_texts(path: Path) -> list[str]:
    """One text per non-empty line of a UTF-8 file."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


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
    no font can set are left out, and counted.
    """
    lines = read_texts(texts)
    if not lines:
        typer.echo(f"error: no text in {texts}", err=True)
        raise typer.Exit(2)
    left_out = len(lines) - len(settable_texts(lines, fonts))
    if left_out:
        typer.echo(f"{left_out} of {len(lines)} texts left out: no font has all their glyphs")
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
