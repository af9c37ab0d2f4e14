"""``archive-ocr cut-lines``: a line folder cut from ground-truth pages, as a run cuts lines.

Recognition is trained on line images, but much ground truth comes as pages:
a scan with PAGE-XML or ALTO beside it. This cuts every transcribed line out
of such pages with the pipeline's own line extraction
(:func:`layout.line_images.extract_line`: straightened along the baseline,
tight to the ink) from the grey page by default, as ``run`` reads lines, or
from the binarized page. Each line becomes ``OUT/<set>/<page>__l<NNN>.png`` with
``<same>.gt.txt`` (its text, NFC, one line), so ``train recognition``
``--holdout`` can hold out documents by page-name prefix.

A page whose image or XML cannot be read fails with its reason in the
report; the others go on. Inputs are only read; each output file is written
whole (temporary file and rename) or not at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from flows.files import ground_truth_pages, png_bytes, write_atomic
from layout.document import Page
from layout.images.binarize import PAPER, binarize
from layout.images.errors import ImageLoadError
from layout.images.loading import load_first_page
from layout.line_images import extract_line, paper_grey
from layout.transform import transform_page
from layout.xmlio import XMLFormatError, read_document
from recognition.weights import LineCut

MIN_SIDE = 8  # cuts smaller than this (pixels) are no line images


@dataclass(slots=True)
class CutReport:
    """What a cut produced: pages read, lines written, lines skipped, pages failed."""

    pages: int = 0
    lines: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def _in_image_frame(doc: Page, size: tuple[int, int]) -> Page:
    """The document with its coordinates scaled to the image, when the XML names another size."""
    width, height = size
    if not doc.width or not doc.height or (doc.width, doc.height) == (width, height):
        return doc
    scale = np.diag([width / doc.width, height / doc.height, 1.0])
    return transform_page(doc, scale, width, height)


def page_lines(xml: Path, image: Path, source: LineCut) -> Iterator[tuple[str, np.ndarray, str]]:
    """(name, line image, text) for every transcribed line of one ground-truth page.

    Raises:
        ImageLoadError: the image cannot be read.
        XMLFormatError: the XML is broken or of another format.
    """
    doc = read_document(xml)
    page = load_first_page(image.read_bytes())
    doc = _in_image_frame(doc, page.size)
    pixels = binarize(page.pixels, page.dpi) if source == "binary" else page.pixels
    paper = PAPER if source == "binary" else paper_grey(pixels)
    for n, line in enumerate(doc.lines()):
        text = unicodedata.normalize("NFC", " ".join(line.text.split()))
        if not text:
            continue
        cut, _ = extract_line(pixels, line, paper=paper)
        yield f"{xml.stem}__l{n:03d}", cut, text


def cut_lines(folders: Sequence[Path], out: Path, source: LineCut = "grey") -> CutReport:
    """Cut every ground-truth page under the folders into ``out/<folder name>/``."""
    report = CutReport()
    for folder in folders:
        for xml, image in ground_truth_pages([folder]):
            try:
                cuts = list(page_lines(xml, image, source))
            except (ImageLoadError, XMLFormatError, OSError, StopIteration) as err:
                report.failed.append((str(xml), f"{type(err).__name__}: {err}"))
                continue
            report.pages += 1
            for name, cut, text in cuts:
                if min(cut.shape[:2]) < MIN_SIDE:
                    report.skipped += 1
                    continue
                stem = out / folder.name / name
                write_atomic(stem.with_name(name + ".png"), png_bytes(cut))
                write_atomic(stem.with_name(name + ".gt.txt"), (text + "\n").encode("utf-8"))
                report.lines += 1
    return report
