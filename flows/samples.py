"""``archive-ocr samples``: the sample scans the project ships, made from real fonts.

Two tales from the Brothers Grimm (Kinder- und Hausmärchen, 1857 edition,
public domain), set in a Fraktur face with long s, rendered by
:func:`layout.synthetic.render_page` with a small skew and paper grain, and
written as a JPEG and a bilevel group 4 TIFF with their ground truth as PAGE-XML (``NAME.xml``
beside ``NAME.jpg``, as in ../shared/data), so that ``archive-ocr eval`` can
score a run on them. The shipped set in ``flows/samples/`` was made with
``archive-ocr samples -o flows/samples --font
UnifrakturMaguntia_400Regular.ttf`` (from ``npm pack
@expo-google-fonts/unifrakturmaguntia@0.4.1``, SIL Open Font Licence; fonts
are never committed).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from PIL import Image

from flows.files import write_atomic
from layout.synthetic import PageStyle, render_page
from layout.xmlio import serialize

SAMPLES_DIR = Path(__file__).with_name("samples")

TALES: dict[str, list[str]] = {
    "froschkoenig": [
        "In den alten Zeiten, wo das Wünſchen noch geholfen hat, lebte ein König, deſſen "
        "Töchter waren alle ſchön, aber die jüngſte war ſo ſchön, daß die Sonne ſelber, die "
        "doch ſo vieles geſehen hat, ſich verwunderte, ſo oft ſie ihr ins Geſicht ſchien.",
        "Nahe bei dem Schloſſe des Königs lag ein großer dunkler Wald, und in dem Walde unter "
        "einer alten Linde war ein Brunnen: wenn nun der Tag recht heiß war, ſo ging das "
        "Königskind hinaus in den Wald und ſetzte ſich an den Rand des kühlen Brunnens, und "
        "wenn es Langeweile hatte, ſo nahm es eine goldene Kugel, warf ſie in die Höhe und "
        "fieng ſie wieder; und das war ſein liebſtes Spielwerk.",
    ],
    "rotkaeppchen": [
        "Es war einmal eine kleine ſüße Dirne, die hatte jedermann lieb, der ſie nur anſah, "
        "am allerliebſten aber ihre Großmutter, die wußte gar nicht, was ſie alles dem Kinde "
        "geben ſollte. Einmal ſchenkte ſie ihm ein Käppchen von rothem Sammet, und weil ihm "
        "das ſo wohl ſtand, und es nichts anders mehr tragen wollte, hieß es nur das "
        "Rothkäppchen.",
        "Eines Tages ſprach ſeine Mutter zu ihm: komm, Rothkäppchen, da haſt du ein Stück "
        "Kuchen und eine Flaſche Wein, bring das der Großmutter hinaus; ſie iſt krank und "
        "ſchwach und wird ſich daran laben.",
    ],
}

#: (name, tale, image format, suffix, skew in degrees, seed)
SHEETS = (
    ("grimm-1857-001", "froschkoenig", "JPEG", ".jpg", 0.6, 1),
    ("grimm-1857-002", "rotkaeppchen", "TIFF", ".tif", -0.9, 2),
)


def make_samples(out: Path, font: Path, style: PageStyle | None = None) -> Iterator[Path]:
    """Render the sample sheets into ``out``: each image with ``NAME.xml`` beside it."""
    style = style or PageStyle(height=1500, grain=3.0)
    for name, tale, fmt, suffix, skew, seed in SHEETS:
        image, page = render_page(TALES[tale], font, replace(style, skew=skew), seed,
                                  name=name + suffix)  # fmt: skip
        buffer = io.BytesIO()
        sheet = Image.fromarray(image)
        if fmt == "TIFF":  # a bilevel archive master, CCITT group 4
            sheet = sheet.point(lambda v: 255 if v > 128 else 0).convert("1")
            sheet.save(buffer, format=fmt, compression="group4", dpi=(style.dpi, style.dpi))
        else:
            sheet.save(buffer, format=fmt, quality=75, dpi=(style.dpi, style.dpi))
        write_atomic(out / (name + suffix), buffer.getvalue())
        write_atomic(out / f"{name}.xml", serialize(page, "page"))
        yield out / (name + suffix)


def samples_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the sheets.")],
    font: Annotated[Path, typer.Option(help="A TrueType or OpenType font with ſ.")],
) -> None:
    """Render the sample sheets (two Grimm tales, JPEG and group 4 TIFF) with ground truth.

    The shipped set (flows/samples/) uses UnifrakturMaguntia from the npm package
    @expo-google-fonts/unifrakturmaguntia 0.4.1 (SIL Open Font Licence).
    """
    try:
        for path in make_samples(out, font):
            typer.echo(str(path))
    except (OSError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
