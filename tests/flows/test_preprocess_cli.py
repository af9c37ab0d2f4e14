"""archive-ocr preprocess: straightened pages out, bad files reported, inputs untouched."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from layout.images.deskew import rotate
from tests.factories import text_page

runner = CliRunner()


def tiff_pages(*pages: np.ndarray) -> bytes:
    images = [Image.fromarray(p) for p in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", compression="tiff_lzw", save_all=True,
                   append_images=images[1:], dpi=(300, 300))  # fmt: skip
    return buffer.getvalue()


def test_preprocess_writes_each_page_and_reports_bad_files(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    page = text_page(800, 1000)
    (scans / "book.tif").write_bytes(tiff_pages(rotate(page, 2.0, fill=215), page))
    (scans / "empty.tif").write_bytes(b"")
    (scans / "notes.tif").write_text("not an image")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in scans.iterdir()}
    out = tmp_path / "out"
    result = runner.invoke(app, ["preprocess", *map(str, sorted(scans.iterdir())), "-o", str(out)])
    assert result.exit_code == 1
    assert "empty.tif: failed (empty)" in result.stderr
    assert "notes.tif: failed (not-an-image)" in result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"book_p{n}{s}" for n in (1, 2) for s in (".bin.png", ".json", ".png")]
    first = json.loads((out / "book_p1.json").read_text())
    assert first["skew_angle"] == pytest.approx(-2.0, abs=0.1)
    assert (first["dpi"], first["dpi_estimated"], first["pages"]) == (300.0, False, 2)
    assert first["orientation"] == 0
    assert first["page_area"]["background_found"] is False
    assert set(first["timings"]) >= {"load_s", "binarize_s", "skew_detect_s", "rotate_s"}
    binary = np.asarray(Image.open(out / "book_p1.bin.png"))
    assert set(np.unique(binary)) <= {0, 255}
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in scans.iterdir()}
    assert after == before
