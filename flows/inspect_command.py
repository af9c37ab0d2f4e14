"""``archive-ocr inspect``: draw a page's regions, lines, baselines and words over its scan.

For spot checks by people: regions in blue, line outlines in green, baselines
in red, words in orange, each line's reading-order number at its start.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from flows.files import write_atomic
from layout.document import Page
from layout.images.loading import load_pages

COLOURS = {"region": (40, 90, 220), "line": (20, 160, 60), "baseline": (220, 30, 30),
           "word": (240, 140, 0)}  # fmt: skip


def scan_for(xml: Path, page: Page, image: Path | None) -> Path:
    """The scan a page refers to: ``image`` if given, else its file name beside the XML."""
    if image is not None:
        return image
    candidate = xml.parent / Path(page.image_filename).name
    if not candidate.exists():
        raise FileNotFoundError(f"scan {candidate} not found; name it with --image")
    return candidate


def draw(page: Page, scan: Image.Image, width: int = 3) -> Image.Image:
    """The scan in colour with the page's geometry drawn over it."""
    canvas = scan.convert("RGB")
    pen = ImageDraw.Draw(canvas)
    for region in page.regions:
        if len(region.polygon) >= 2:
            pen.polygon(region.polygon, outline=COLOURS["region"], width=width)
    for number, line in enumerate(page.lines(), start=1):
        outline = line.outline()
        if len(outline) >= 2:
            pen.polygon(outline, outline=COLOURS["line"], width=width)
            pen.text(outline[0], str(number), fill=COLOURS["line"])
        if line.baseline and len(line.baseline) >= 2:
            pen.line(line.baseline, fill=COLOURS["baseline"], width=width)
        for word in line.words:
            if len(word.polygon) >= 2:
                pen.polygon(word.polygon, outline=COLOURS["word"], width=max(1, width - 1))
    return canvas


def inspect_page(page: Page, scan: Path, out: Path, page_index: int = 0) -> None:
    """Write the drawing as a PNG, whole or not at all."""
    grey = list(load_pages(scan.read_bytes()))[page_index].pixels
    picture = draw(page, Image.fromarray(grey))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    write_atomic(out, buffer.getvalue())
