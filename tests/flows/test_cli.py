"""The archive-ocr command line: validate, convert and roundtrip as a user runs them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from layout.xmlio import read_document, serialize
from recognition.language_model import CharLanguageModel
from tests.factories import rich_page

runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_validate_passes_good_files_and_reports_each_problem(tmp_path: Path) -> None:
    good = write(tmp_path / "good.alto.xml", serialize(rich_page(), "alto"))
    page = rich_page()
    page.regions[0].lines[0].polygon = ((0.0, 0.0), (5000.0, 0.0), (5000.0, 10.0))
    bad_alto = serialize(page, "alto").replace(b'WC="0.97"', b'WC="1.7"')
    bad = write(tmp_path / "bad.alto.xml", bad_alto)
    broken = write(tmp_path / "broken.page.xml", b"<PcGts><Page>")

    ok = runner.invoke(app, ["validate", str(good)])
    assert ok.exit_code == 0, ok.output

    result = runner.invoke(app, ["validate", str(good), str(bad), str(broken)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert all(line.startswith((str(bad), str(broken))) for line in lines)
    assert any("WC" in line and "1.7" in line for line in lines)  # schema: WC outside [0, 1]
    assert any("word 'w1': confidence 1.7" in line for line in lines)
    assert any(str(broken) in line and "malformed" in line for line in lines)


def test_convert_folder_both_ways_keeps_inputs_untouched(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    original = write(src / "p1.page.xml", serialize(rich_page(), "page"))
    before = sha(original)
    result = runner.invoke(app, ["convert", str(src), str(tmp_path / "alto"), "--to", "alto"])
    assert result.exit_code == 0, result.output
    alto = tmp_path / "alto" / "p1.alto.xml"
    assert read_document(alto).text() == rich_page().text()
    back = tmp_path / "back.page.xml"
    assert runner.invoke(app, ["convert", str(alto), str(back), "--to", "page"]).exit_code == 0
    steps = read_document(back).metadata.steps
    assert [s.description for s in steps][-2:] == ["format conversion", "format conversion"]
    assert sha(original) == before
    assert not list(tmp_path.rglob("*.part"))


def test_convert_fails_a_broken_file_and_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    write(src / "a.page.xml", serialize(rich_page(), "page"))
    write(src / "b.page.xml", b"not xml at all")
    result = runner.invoke(app, ["convert", str(src), str(tmp_path / "out"), "--to", "alto"])
    assert result.exit_code == 1
    assert "b.page.xml" in result.stderr
    assert (tmp_path / "out" / "a.alto.xml").exists()
    assert not (tmp_path / "out" / "b.alto.xml").exists()


def test_roundtrip_command_on_real_pages(sample_pages: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "rt"
    args = [
        "roundtrip",
        *map(str, sample_pages),
        "-o",
        str(out),
        "--json",
        str(tmp_path / "r.json"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (
        f"{len(sample_pages)} of {len(sample_pages)} files round-trip losslessly" in result.stdout
    )
    assert len(list(out.glob("*.page.xml"))) == len(list(out.glob("*.alto.xml"))) > 0


def test_inspect_draws_lines_over_the_scan(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    page = rich_page()
    page.image_filename = "scan.png"
    Image.fromarray(np.full((page.height, page.width), 230, np.uint8)).save(tmp_path / "scan.png")
    (tmp_path / "p.page.xml").write_bytes(serialize(page, "page"))
    out = tmp_path / "check.png"
    result = runner.invoke(app, ["inspect", str(tmp_path / "p.page.xml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    drawn = np.asarray(Image.open(out).convert("RGB"))
    assert drawn.shape == (page.height, page.width, 3)
    assert (drawn[:, :, 1] > drawn[:, :, 0] + 50).any()  # green line outlines
    assert (drawn[:, :, 0] > drawn[:, :, 1] + 100).any()  # red baselines
    missing = runner.invoke(app, ["inspect", str(tmp_path / "p.page.xml"), "-o", str(out),
                                  "--image", str(tmp_path / "nope.png")])  # fmt: skip
    assert missing.exit_code == 1 and "nope.png" in missing.stderr


def test_train_lm_leaves_held_out_documents_out_and_reads_ligatures_as_letters(
    tmp_path: Path,
) -> None:
    lines = tmp_path / "lines"
    lines.mkdir()
    for stem, text in (("kept_l1", "Ge\ueadaern war"), ("heldout_l1", "xyz")):
        (lines / f"{stem}.png").write_bytes(b"")  # the text is all a language model reads
        (lines / f"{stem}.gt.txt").write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "lm.json"
    result = runner.invoke(app, ["train", "lm", str(lines), "-o", str(out), "--holdout", "heldout"])
    assert result.exit_code == 0, result.output
    assert "1 lines" in result.output
    vocabulary = CharLanguageModel.load(out).vocabulary
    assert {"G", "ſ", "t", "w"} <= vocabulary
    assert not vocabulary & {"x", "y", "z", "\ueada"}


def test_train_lm_writes_the_chosen_smoothing_and_refuses_a_discount_out_of_range(
    tmp_path: Path,
) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("in den alten Zeiten\nda das Wünſchen noch geholfen hat\n", encoding="utf-8")
    out = tmp_path / "lm.json.gz"
    result = runner.invoke(app, ["train", "lm", str(texts), "-o", str(out), "--order", "4",
                                 "--smoothing", "witten-bell"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 lines, order 4, witten-bell" in result.output
    lm = CharLanguageModel.load(out)
    assert (lm.order, lm.smoothing) == (4, "witten-bell") and out.read_bytes()[:2] == b"\x1f\x8b"
    refused = runner.invoke(app, ["train", "lm", str(texts), "-o", str(tmp_path / "no.json"),
                                  "--discount", "0"])  # fmt: skip
    assert refused.exit_code == 2 and "--discount 0.0" in refused.stderr
    assert not (tmp_path / "no.json").exists()


def test_train_lm_refuses_a_source_that_is_not_there_or_not_utf8(tmp_path: Path) -> None:
    latin1 = tmp_path / "texts.txt"
    latin1.write_bytes("Straße über".encode("latin-1"))
    out = tmp_path / "lm.json"
    result = runner.invoke(app, ["train", "lm", str(latin1), "-o", str(out)])
    assert result.exit_code == 2 and "texts.txt is not UTF-8 text" in result.stderr
    missing = runner.invoke(app, ["train", "lm", str(tmp_path / "nope.txt"), "-o", str(out)])
    assert missing.exit_code == 2
    assert "does not exist" in " ".join(missing.output.replace("│", " ").split())
    assert not out.exists()
