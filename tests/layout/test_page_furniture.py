"""Running titles, page numbers, catchwords and signature marks kept out of the text."""

from __future__ import annotations

import pytest

from layout.document import Page, TextLine
from layout.evaluation import compare_pages, role_scores
from layout.geometry import Box
from layout.page_furniture import find_furniture, refine_by_text, role
from layout.reading_order import build_regions
from layout.xmlio import parse_xml, read_document, serialize
from layout.xmlio.schemas import schema_errors

PITCH = 40


def line(x0: float, y0: float, x1: float, name: str) -> TextLine:
    return TextLine(id="", polygon=Box(x0, y0, x1, y0 + 30).corners(), text=name)


def book_page(number: str = "12", furniture: bool = True) -> list[TextLine]:
    """A printed page: number and running title above, 12 lines, signature and catchword below."""
    lines = [line(200, 150 + PITCH * n, 1400, f"text{n}") for n in range(12)]
    lines[-1] = line(200, 150 + PITCH * 11, 700, "text11")  # a paragraph's short last line
    if furniture:
        lines += [line(1340, 95, 1400, number), line(600, 95, 1000, "RUNNING TITLE")]
        foot = 150 + PITCH * 12
        lines += [line(760, foot, 860, "B 2"), line(1260, foot, 1410, "Catch")]
    return lines[::-1]  # found in any order


def test_book_furniture_gets_its_types_and_stays_out_of_the_text_flow() -> None:
    regions = build_regions(book_page())
    kinds = [(r.type, [ln.text for ln in r.lines]) for r in regions]
    assert kinds == [
        ("header", ["RUNNING TITLE"]),  # the top row across the page
        ("page-number", ["12"]),
        ("paragraph", [f"text{n}" for n in range(12)]),
        ("signature-mark", ["B 2"]),
        ("catch-word", ["Catch"]),  # the bottom row last
    ]


def test_pages_without_furniture_keep_their_first_and_last_lines_as_text() -> None:
    lines = book_page(furniture=False)
    # a centred heading on top (no page number beside it) and a short last line at the left
    lines.append(line(600, 95, 1000, "HEADING"))
    regions = build_regions(lines)
    assert [r.type for r in regions] == ["paragraph"]
    assert regions[0].lines[0].text == "HEADING" and regions[0].lines[-1].text == "text11"
    assert find_furniture([(0, 0, 10, 10)] * 4) == {}  # too few lines to tell


@pytest.mark.parametrize("fmt", ["page", "alto"])
def test_furniture_types_are_valid_page_and_alto_and_read_back(fmt: str) -> None:
    page = Page(image_filename="p.png", width=1600, height=900,
                regions=build_regions(book_page()))  # fmt: skip
    data = serialize(page, fmt)  # type: ignore[arg-type]
    assert schema_errors(parse_xml(data)) == []
    back = read_document(data)
    assert [role(r.type) for r in back.text_regions()] == [
        "header", "page-number", "text", "signature-mark", "catch-word"]  # fmt: skip


def test_a_foot_mark_that_reads_as_a_number_is_a_page_number() -> None:
    page = Page(image_filename="p.png", width=1600, height=900,
                regions=build_regions(book_page()))  # fmt: skip
    foot = next(r for r in page.text_regions() if r.type == "catch-word")
    foot.lines[0].text = "[13]"
    refine_by_text(page)
    assert foot.type == "page-number"
    assert [r.type for r in page.text_regions()].count("signature-mark") == 1  # "B 2" stays


def test_roles_of_page_and_segmonto_labels_are_compared_over_matched_lines() -> None:
    labels = ["NumberingZone", "RunningTitleZone", "QuireMarksZone", "Margin", "MainZone",
              "heading", None]  # fmt: skip
    assert [role(t) for t in labels] == ["page-number", "header", "signature-mark",
                                         "marginalia", "text", "text", "text"]  # fmt: skip
    ours = Page(image_filename="p.png", width=1600, height=900, regions=build_regions(book_page()))
    truth = Page(image_filename="p.png", width=1600, height=900,
                 regions=build_regions(book_page()))  # fmt: skip
    for region in truth.text_regions():  # the truth calls the catchword a quire mark
        region.type = {"catch-word": "QuireMarksZone", "paragraph": "MainZone"}.get(
            region.type or "", region.type)  # fmt: skip
    match, roles, _ = compare_pages(ours, truth)
    assert match.hits == 16
    scores = role_scores(roles)
    assert scores["page-number"] == {"reference": 1, "predicted": 1, "hits": 1,
                                     "precision": 1.0, "recall": 1.0}  # fmt: skip
    assert scores["catch-word"]["precision"] == 0.0
    assert scores["signature-mark"]["reference"] == 2 and scores["signature-mark"]["recall"] == 0.5


def test_a_manuscripts_first_line_beside_its_folio_number_stays_text() -> None:
    lines = book_page(furniture=False)
    lines += [line(1340, 95, 1400, "f. 7"), line(200, 95, 900, "Monsieur,")]  # at the margin
    regions = build_regions(lines)
    assert [(r.type, r.lines[0].text) for r in regions] == [
        ("page-number", "f. 7"), ("paragraph", "Monsieur,")]  # fmt: skip
    # a first line broken after its first word: no page number beside a line of text
    split = [*book_page(furniture=False), line(200, 95, 260, "Je"), line(300, 95, 1400, "vous")]
    assert {r.type for r in build_regions(split)} == {"paragraph"}
