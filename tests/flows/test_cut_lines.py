"""archive-ocr cut-lines: ground-truth pages into a line folder that train recognition reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from layout.images.binarize import PAPER
from layout.synthetic import PageStyle, render_page
from layout.transform import transform_page
from layout.xmlio import read_document, serialize
from recognition.data import find_line_files
from tests.factories import any_font

runner = CliRunner()
TEXT = "Es war einmal ein König, der hatte drei Töchter, die waren schön. " * 4
STYLE = PageStyle(width=700, height=600, margin=60, font_size=24)


def ground_truth(folder: Path, name: str, fmt: str = "page", scale: float = 1.0) -> list[str]:
    """A rendered page with its XML (coordinates scaled by ``scale``); the lines' texts."""
    folder.mkdir(parents=True, exist_ok=True)
    grey, page = render_page([TEXT], any_font(), STYLE, seed=3, name=f"{name}.png")
    Image.fromarray(grey).save(folder / f"{name}.png")
    if scale != 1.0:
        matrix = np.diag([scale, scale, 1.0])
        page = transform_page(page, matrix, round(page.width * scale), round(page.height * scale))
    (folder / f"{name}.xml").write_bytes(serialize(page, fmt))  # type: ignore[arg-type]
    return [line.text for line in page.lines()]


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_every_transcribed_line_is_cut_with_its_text(tmp_path: Path) -> None:
    gt = tmp_path / "gt"
    texts = ground_truth(gt, "book-a_p1", "page") + ground_truth(gt, "book-b_p1", "alto")
    before = digest(gt)
    result = runner.invoke(app, ["cut-lines", str(gt), "-o", str(tmp_path / "lines"),
                                 "--source", "binary"])  # fmt: skip
    assert result.exit_code == 0, result.output
    files = find_line_files(tmp_path / "lines")
    assert sorted(f.text for f in files) == sorted(texts)
    assert all(f.image_path.parent == tmp_path / "lines" / "gt" for f in files)
    assert files[0].image_path.name.startswith("book-a_p1__l")  # documents held out by prefix
    for line in files:
        image = line.load().image
        ink_rows = int(((image < 128).sum(axis=1) > 0).sum())
        assert 15 < image.shape[0] <= ink_rows + 8  # one line, tight to its ink
        assert np.median(image) == PAPER and image.min() == 0  # binarized, as asked
    assert digest(gt) == before  # inputs are only read


def test_coordinates_of_another_scale_are_fitted_to_the_image(tmp_path: Path) -> None:
    ground_truth(tmp_path / "same", "p")
    ground_truth(tmp_path / "double", "p", scale=2.0)  # the XML of a scan twice the size
    for name in ("same", "double"):
        result = runner.invoke(app, ["cut-lines", str(tmp_path / name), "-o", str(tmp_path / "o")])
        assert result.exit_code == 0, result.output
    same = find_line_files(tmp_path / "o" / "same")
    double = find_line_files(tmp_path / "o" / "double")
    assert len(same) == len(double) > 0
    assert all(len(np.unique(f.load().image)) > 2 for f in same)  # grey by default, as run reads
    for a, b in zip(same, double, strict=True):
        assert abs(a.load().image.shape[0] - b.load().image.shape[0]) <= 2


def test_unreadable_pages_fail_with_a_reason_and_the_rest_go_on(tmp_path: Path) -> None:
    gt = tmp_path / "gt"
    texts = ground_truth(gt, "good")
    ground_truth(gt, "broken-xml")
    (gt / "broken-xml.xml").write_text("<PcGts><Page", encoding="utf-8")
    ground_truth(gt, "truncated")
    data = (gt / "truncated.png").read_bytes()
    (gt / "truncated.png").write_bytes(data[: len(data) // 3])
    result = runner.invoke(app, ["cut-lines", str(gt), "-o", str(tmp_path / "lines")])
    assert result.exit_code == 3
    assert "broken-xml.xml" in result.output and "truncated.xml" in result.output
    assert "1 pages" in result.output and "2 pages failed" in result.output
    assert sorted(f.text for f in find_line_files(tmp_path / "lines")) == sorted(texts)


def test_synthetic_pages_are_cut_into_lines_of_their_texts(tmp_path: Path) -> None:
    texts = tmp_path / "texts.txt"
    sentences = ["the register of baptisms", "names of the godparents", "witnesses and clerks"]
    texts.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    arguments = ["synth", "pages", "--texts", str(texts), "--font", str(any_font()),
                 "--count", "2", "-o", str(tmp_path / "pages"), "--seed", "4"]  # fmt: skip
    made = runner.invoke(app, arguments)
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == [
        "page-000000.png", "page-000000.xml", "page-000001.png", "page-000001.xml"]  # fmt: skip
    cut = runner.invoke(app, ["cut-lines", str(tmp_path / "pages"), "-o", str(tmp_path / "lines")])
    assert cut.exit_code == 0, cut.output
    files = find_line_files(tmp_path / "lines")
    assert len(files) > 20
    vocabulary = {word for sentence in sentences for word in sentence.split()}
    assert all(set(f.text.split()) <= vocabulary for f in files)


def test_synthetic_pages_show_and_transcribe_editorial_signs_as_letters(tmp_path: Path) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("le S^t Martin de Tours ¬\n>rayé< pour le 1^er mois\n><\n", encoding="utf-8")
    arguments = ["synth", "pages", "--texts", str(texts), "--font", str(any_font()),
                 "--count", "1", "-o", str(tmp_path / "pages"), "--seed", "2"]  # fmt: skip
    made = runner.invoke(app, arguments)
    assert made.exit_code == 0, made.output
    page = read_document(tmp_path / "pages" / "page-000000.xml")
    words = {word for line in page.lines() for word in line.text.split()}
    assert {"St", "rayé", "1er", "-"} <= words  # drawn as the letters they stand for
    assert not any(sign in word for word in words for sign in "^¬><")
