"""Synthetic pages for tests: every feature the model has, with known values."""

from __future__ import annotations

import functools
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

from layout.document import Glyph, Page, Region, TextLine, Word
from layout.geometry import Box
from layout.provenance import ModelRef, PageMetadata, ProcessingStep, Software


def box(x0: float, y0: float, x1: float, y1: float) -> tuple[tuple[float, float], ...]:
    return Box(x0, y0, x1, y1).corners()


def make_line(
    ident: str, y: float, text: str, x0: float = 100, x1: float = 900, **kwargs: object
) -> TextLine:
    return TextLine(
        id=ident,
        polygon=((x0, y - 30), (x1, y - 32), (x1, y + 8), (x0, y + 10)),
        baseline=((x0, y), (x1, y - 2)),
        text=text,
        **kwargs,  # type: ignore[arg-type]
    )


def rich_page() -> Page:
    """A page with words, glyphs, confidences, a hyphen, an RTL line, types and provenance."""
    words = [
        Word("Des", box(100, 70, 180, 110), 0.97, [], "w1"),
        Word("Hauses", box(200, 70, 330, 110), 0.91, [], "w2"),
        Word("Thuͤr-", box(350, 70, 470, 110), 0.62, [], "w3"),
    ]
    words[0].glyphs = [
        Glyph("D", box(100, 70, 130, 110), 0.99, "g1"),
        Glyph("e", box(130, 70, 155, 110), 0.95, "g2"),
        Glyph("s", box(155, 70, 180, 110), 0.97, "g3"),
    ]
    main = Region(
        id="r_main",
        polygon=box(90, 40, 910, 400),
        type="paragraph",
        lines=[
            make_line("l1", 100, "Des Hauses Thuͤr-", x1=470, words=words, confidence=0.83),
            make_line("l2", 160, 'Tom & Jerry <said> "ſo"', type="DefaultLine"),
            make_line("l3", 220, ""),  # a detected line with no text yet
            make_line("l4", 280, "שלום עולם", direction="rtl"),
        ],
    )
    margin = Region(
        id="r_margin",
        polygon=box(920, 40, 990, 200),
        type="MarginTextZone",
        lines=[make_line("l5", 100, "Nota", x0=925, x1=985)],
    )
    picture = Region(id="r_pic", polygon=box(100, 500, 600, 900), kind="image")
    rule = Region(id="r_sep", polygon=box(100, 950, 900, 955), kind="separator")
    steps = [
        ProcessingStep(
            description="text recognition",
            timestamp=datetime(2026, 11, 24, 10, 30, tzinfo=UTC),
            settings={"batch_size": 32, "decoder": "greedy", "normalize": "NFC"},
            software=Software("archive-ocr", "0.1.0", "archive-ocr developers", "a" * 40),
            model=ModelRef("default-latin", "b" * 64),
            category="contentGeneration",
        ),
        ProcessingStep(description="binarization", settings={"method": "sauvola", "k": 0.3}),
    ]
    return Page(
        image_filename="scan 001 & co.tif",
        width=1000,
        height=1200,
        dpi=(300.0, 300.0),
        regions=[main, margin, picture, rule],
        reading_order=["r_main", "r_margin", "r_pic", "r_sep"],
        id="page1",
        metadata=PageMetadata(source_sha256="c" * 64, steps=steps),
    )


def text_page(width: int = 1600, height: int = 2000, seed: int = 1) -> np.ndarray:
    """Grey paper with lines of dark 'words' (rectangles with letter-like gaps)."""
    rng = np.random.default_rng(seed)
    page = np.full((height, width), 215, np.uint8)
    for top in range(150, height - 150, 60):
        x = 120
        while x < width - 200:
            length = int(rng.integers(40, 160))
            for letter in range(x, x + length, 14):
                page[top : top + 24, letter : letter + 10] = 40
            x += length + 25
    return page


def rendered_text_page(width: int = 1400, height: int = 1800, seed: int = 1) -> np.ndarray:
    """Lines of real Latin words in Pillow's built-in font: ascenders and descenders as in print."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    words = [
        "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "while", "kings",
        "and", "queens", "hold", "their", "gold", "high", "above", "fields", "of", "barley",
        "thistles",
    ]  # fmt: skip
    rng = random.Random(seed)
    font = ImageFont.load_default(size=30)
    image = Image.new("L", (width, height), 230)
    draw = ImageDraw.Draw(image)
    for top in range(100, height - 100, 50):
        draw.text((100, top), " ".join(rng.choice(words) for _ in range(9)), font=font, fill=20)
    return np.asarray(image)


def rendered_line(text: str, size: int = 28, margin: int = 8) -> np.ndarray:
    """One line of text in Pillow's built-in font, dark on light, with a margin all round."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=size)
    left, _, right, _ = font.getbbox(text)
    image = Image.new("L", (right - left + 2 * margin, size + 2 * margin), 235)
    ImageDraw.Draw(image).text((margin - left, margin), text, font=font, fill=15)
    return np.asarray(image)


def page_of_lines(texts: list[str], size: int = 28, width: int = 500) -> np.ndarray:
    """A page with one rendered line per text, evenly spaced, left-aligned."""
    page = np.full((120 + 3 * size * len(texts), width), 235, np.uint8)
    for n, text in enumerate(texts):
        strip = rendered_line(text, size=size)
        top = 60 + n * 3 * size
        page[top : top + strip.shape[0], 60 : 60 + strip.shape[1]] = strip
    return page


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))  # fmt: skip


def two_column_page() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Eight lines in each of two columns; returns the page and each line's true box."""
    page = np.full((1000, 1400), 235, np.uint8)
    truth = []
    for column, left in enumerate((80, 760)):
        for n in range(8):
            strip = rendered_line(f"column {column} line {n} Hamburg", size=30)
            top = 100 + n * 90
            h, w = strip.shape
            page[top : top + h, left : left + w] = strip
            truth.append((left, top, left + w, top + h))
    return page, truth


def any_font() -> Path:
    """A TrueType font with ſ that every test machine has: DejaVu Serif, else a packaged one."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    return dejavu if dejavu.exists() else packaged_font()


@functools.cache
def packaged_font() -> Path:
    """The first font file inside the installed packages that has ſ and the umlauts."""
    from recognition.synthetic import covers

    site = Path(np.__file__).parents[1]
    for candidate in sorted(site.rglob("*.ttf")):
        if covers(candidate, "ſäöüßÄÖÜ"):
            return candidate
    raise FileNotFoundError(f"no font with ſ under {site}")


def _packaged_font(package: str, name: str) -> Path:
    from importlib.resources import files

    return Path(str(files(package).joinpath("files", name)))


def arabic_font() -> Path:
    """Amiri Regular (OFL), installed with the test extra (``fontpkg-amiri``)."""
    return _packaged_font("fontpkg_amiri", "Amiri-Regular.ttf")


def hebrew_font() -> Path:
    """Frank Ruhl Libre (OFL), installed with the test extra (``fontpkg-frank-ruhl-libre``)."""
    return _packaged_font("fontpkg_frank_ruhl_libre", "FrankRuhlLibre[wght].ttf")


def with_learned_norms(model: torch.nn.Module) -> None:
    """Give every BatchNorm statistics and scales far from their initial 0 and 1."""
    for norm in (m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        norm.running_mean.uniform_(-0.5, 0.5)
        norm.running_var.uniform_(0.2, 3.0)
        norm.weight.data.uniform_(0.5, 1.5)
        norm.bias.data.uniform_(-0.5, 0.5)
