"""archive-ocr eval: perfect on itself, exact on known damage, in line with dinglehopper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.evaluate import evaluate
from layout.document import Page, Region
from layout.xmlio import read_document, serialize
from tests.factories import make_line

runner = CliRunner()
TEXTS = ["alpha beta", "gamma delta", "epsilon zeta", "eta theta"]


def four_line_page() -> Page:
    lines = [make_line(f"l{n}", 100 + 80 * n, text) for n, text in enumerate(TEXTS)]
    return Page("p.png", 1000, 1000, regions=[Region("r1", lines=lines)])


def truth_and_predictions(tmp_path: Path, name: str = "doc.page.xml") -> tuple[Path, Path]:
    """A ground-truth folder holding the four-line page as ``name``, and an empty one beside it."""
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir()
    pred.mkdir()
    (gt / name).write_bytes(serialize(four_line_page(), "page"))
    return gt, pred


def test_ground_truth_against_itself(tmp_path: Path) -> None:
    (tmp_path / "doc.page.xml").write_bytes(serialize(four_line_page(), "page"))
    report_path = tmp_path / "r.json"
    result = runner.invoke(
        app, ["eval", str(tmp_path), str(tmp_path / "doc.page.xml"), "--json", str(report_path)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(report_path.read_text())["summary"]
    assert summary["cer"] == 0.0 and summary["wer"] == 0.0
    assert summary["lines"]["f1"] == 1.0


def test_damaged_copy_gives_the_expected_figures(tmp_path: Path) -> None:
    gt, pred = truth_and_predictions(tmp_path, "doc.xml")
    damaged = four_line_page()
    lines = damaged.regions[0].lines
    del lines[2]  # a whole line lost: 12 characters and its line break
    lines[0].text = "#lpha #eta"  # two substitutions
    (pred / "doc.alto.xml").write_bytes(serialize(damaged, "alto"))
    report = evaluate(pred, gt)
    total = sum(len(t) for t in TEXTS) + len(TEXTS) - 1
    summary = report["summary"]
    assert summary["chars"] == total
    assert summary["char_errors"] == 13 + 2
    assert summary["cer"] == pytest.approx(15 / total)
    assert summary["wer"] == pytest.approx(4 / 8)
    assert summary["lines"]["recall"] == pytest.approx(3 / 4)
    assert summary["lines"]["precision"] == 1.0
    assert summary["lines"]["f1"] == pytest.approx(2 * 0.75 / 1.75)
    assert summary["cer_lines"] == pytest.approx((12 + 2) / sum(len(t) for t in TEXTS))


def test_missing_prediction_is_a_full_error(tmp_path: Path) -> None:
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir()
    pred.mkdir()
    (gt / "a.page.xml").write_bytes(serialize(four_line_page(), "page"))
    (gt / "b.page.xml").write_bytes(serialize(four_line_page(), "page"))
    (pred / "a.page.xml").write_bytes(serialize(four_line_page(), "page"))
    (pred / "stray.page.xml").write_bytes(serialize(four_line_page(), "page"))
    summary = evaluate(pred, gt)["summary"]
    assert summary["missing_predictions"] == 1
    assert summary["unmatched_predictions"] == ["stray"]
    assert summary["cer"] == pytest.approx(0.5)
    assert summary["cer_lines"] == pytest.approx(0.5)
    assert summary["lines"]["recall"] == pytest.approx(0.5)


def test_line_cer_leaves_reading_order_aside(tmp_path: Path) -> None:
    """Lines read in another order cost page CER, not line CER; a false line costs its text."""
    gt, pred = truth_and_predictions(tmp_path)
    shuffled = four_line_page()
    lines = shuffled.regions[0].lines
    lines[:] = [lines[2], lines[0], lines[3], lines[1]]
    (pred / "doc.page.xml").write_bytes(serialize(shuffled, "page"))
    summary = evaluate(pred, gt)["summary"]
    assert summary["cer"] > 0.3 and summary["cer_lines"] == 0.0
    lines.append(make_line("extra", 900, "iota"))  # a line where the truth has none
    (pred / "doc.page.xml").write_bytes(serialize(shuffled, "page"))
    summary = evaluate(pred, gt)["summary"]
    assert summary["cer_lines"] == pytest.approx(4 / sum(len(t) for t in TEXTS))


def test_line_text_files_and_normalisation(tmp_path: Path) -> None:
    (tmp_path / "l1.gt.txt").write_text("Das iſt ſchoͤn\n", encoding="utf-8")
    (tmp_path / "l1.txt").write_text("Das ist schön\n", encoding="utf-8")
    summary = evaluate(tmp_path, tmp_path)["summary"]
    assert summary["char_errors"] == 3
    assert summary["cer_normalized"] == 0.0
    assert "lines" not in summary


def test_cer_agrees_with_dinglehopper_on_real_pages(
    sample_pages: list[Path], tmp_path: Path
) -> None:
    from dinglehopper.character_error_rate import character_error_rate
    from dinglehopper.ocr_files import extract

    for path in sample_pages[::3]:
        page = read_document(path)
        for n, line in enumerate(page.lines()):
            if n % 3 == 0:
                line.text = line.text[::-1]
            elif n % 3 == 1:
                line.text = line.text.replace("e", "c").replace("n", "u")
        damaged = tmp_path / f"{path.stem}.page.xml"
        damaged.write_bytes(serialize(page, "page"))
        gt_page = tmp_path / "gt" / f"{path.stem}.page.xml"
        gt_page.parent.mkdir(exist_ok=True)
        gt_page.write_bytes(serialize(read_document(path), "page"))
        ours = evaluate(damaged, gt_page)["summary"]["cer"]
        theirs = character_error_rate(
            extract(str(gt_page), textequiv_level="line"),
            extract(str(damaged), textequiv_level="line"),
        )
        assert ours > 0.05
        assert abs(ours - theirs) <= 0.005, (path.name, ours, theirs)


def test_region_roles_of_matched_lines_are_compared(tmp_path: Path) -> None:
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir()
    pred.mkdir()
    truth, ours = four_line_page(), four_line_page()
    lines = truth.regions[0].lines
    truth.regions = [Region("r0", type="page-number", lines=lines[:1]),
                     Region("r1", type="paragraph", lines=lines[1:])]  # fmt: skip
    (gt / "doc.xml").write_bytes(serialize(truth, "page"))
    (pred / "doc.page.xml").write_bytes(serialize(ours, "page"))  # the number read as text
    report_path = tmp_path / "r.json"
    result = runner.invoke(app, ["eval", str(pred), str(gt), "--json", str(report_path)])
    assert result.exit_code == 0, result.output
    roles = json.loads(report_path.read_text())["summary"]["region_roles"]
    assert roles["page-number"] == {"reference": 1, "predicted": 0, "hits": 0,
                                    "precision": 1.0, "recall": 0.0}  # fmt: skip
