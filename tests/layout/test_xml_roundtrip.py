"""PAGE-XML and ALTO writers and readers: valid output, nothing lost either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from layout.compare import page_differences
from layout.document import Page, Region
from layout.xmlio import parse_xml, read_document, serialize
from layout.xmlio.namespaces import ALTO_4, PAGE_2019
from layout.xmlio.schemas import schema_errors
from tests.factories import box, make_line, rich_page

A = f"{{{ALTO_4}}}"
P = f"{{{PAGE_2019}}}"


@pytest.mark.parametrize("fmt", ["page", "alto"])
def test_rich_page_is_schema_valid_and_reads_back_equal(fmt: str) -> None:
    page = rich_page()
    data = serialize(page, fmt)  # type: ignore[arg-type]
    assert schema_errors(parse_xml(data)) == []
    back = read_document(data)
    assert page_differences(page, back) == []
    assert back.text() == page.text()
    assert back.metadata.source_sha256 == page.metadata.source_sha256
    assert back.metadata.steps == page.metadata.steps


def test_alto_is_word_level_with_confidences_spaces_and_hyphen() -> None:
    root = parse_xml(serialize(rich_page(), "alto")).getroot()
    line = root.find(f".//{A}TextLine[@ID='l1']")
    assert line is not None
    children = [etree.QName(c).localname for c in line]
    assert children == ["Shape", "String", "SP", "String", "SP", "String", "HYP"]
    strings = line.findall(f"{A}String")
    assert [s.get("CONTENT") for s in strings] == ["Des", "Hauses", "Thuͤr"]
    assert [float(s.get("WC", "nan")) for s in strings] == [0.97, 0.91, 0.62]
    assert line.find(f"{A}HYP").get("CONTENT") == "-"  # type: ignore[union-attr]
    glyphs = strings[0].findall(f"{A}Glyph")
    assert [g.get("CONTENT") for g in glyphs] == ["D", "e", "s"]
    assert line.get("BASELINE") == "100 100 470 98"
    for s in root.iter(f"{A}String"):
        for attr in ("HPOS", "VPOS", "WIDTH", "HEIGHT"):
            assert s.get(attr) is not None


def test_alto_never_drops_a_line() -> None:
    """Lines without words get estimated word boxes; lines without text an empty String."""
    page = rich_page()
    root = parse_xml(serialize(page, "alto")).getroot()
    lines = root.findall(f".//{A}TextLine")
    assert len(lines) == sum(len(r.lines) for r in page.regions)
    for line in lines:
        assert line.find(f"{A}Shape/{A}Polygon") is not None
        assert line.get("BASELINE")
    l2 = root.find(f".//{A}TextLine[@ID='l2']")
    assert [s.get("CONTENT") for s in l2.findall(f"{A}String")] == [  # type: ignore[union-attr]
        "Tom", "&", "Jerry", "<said>", '"ſo"',
    ]  # fmt: skip
    l3 = root.find(f".//{A}TextLine[@ID='l3']")
    assert [s.get("CONTENT") for s in l3.findall(f"{A}String")] == [""]  # type: ignore[union-attr]


def test_alto_marks_only_rtl_lines_rtl() -> None:
    root = parse_xml(serialize(rich_page(), "alto")).getroot()
    directions = {line.get("ID"): line.get("BASEDIRECTION") for line in root.iter(f"{A}TextLine")}
    assert directions == {"l1": None, "l2": None, "l3": None, "l4": "rtl", "l5": None}
    rtl_words = root.findall(f".//{A}TextLine[@ID='l4']/{A}String")
    first, second = (float(w.get("HPOS", "0")) for w in rtl_words)
    assert first > second  # the first word in logical order stands at the right


def test_alto_provenance_elements() -> None:
    root = parse_xml(serialize(rich_page(), "alto")).getroot()
    source = root.find(f"{A}Description/{A}sourceImageInformation")
    assert source.findtext(f"{A}fileName") == "scan 001 & co.tif"  # type: ignore[union-attr]
    assert source.findtext(f"{A}fileIdentifier") == "c" * 64  # type: ignore[union-attr]
    first = root.findall(f"{A}Description/{A}Processing")[0]
    assert first.findtext(f"{A}processingDateTime") == "2026-11-24T10:30:00+00:00"
    descriptions = [d.text for d in first.findall(f"{A}processingStepDescription")]
    assert descriptions == ["text recognition", "model: default-latin", "model-sha256: " + "b" * 64]
    assert first.findtext(f"{A}processingStepSettings") == (
        '{"batch_size":32,"decoder":"greedy","normalize":"NFC"}'
    )
    soft = first.find(f"{A}processingSoftware")
    assert soft.findtext(f"{A}softwareName") == "archive-ocr"  # type: ignore[union-attr]
    assert soft.findtext(f"{A}applicationDescription") == "git-commit: " + "a" * 40  # type: ignore[union-attr]


def test_page_has_word_glyph_levels_reading_order_and_provenance() -> None:
    root = parse_xml(serialize(rich_page(), "page")).getroot()
    refs = [r.get("regionRef") for r in root.iter(f"{P}RegionRefIndexed")]
    assert refs == ["r_main", "r_margin", "r_pic", "r_sep"]
    line = root.find(f".//{P}TextLine[@id='l1']")
    assert line.find(f"{P}Baseline") is not None  # type: ignore[union-attr]
    assert len(line.findall(f"{P}Word")) == 3  # type: ignore[union-attr]
    assert len(line.findall(f"{P}Word/{P}Glyph")) == 3  # type: ignore[union-attr]
    assert line.find(f"{P}TextEquiv").get("conf") == "0.83"  # type: ignore[union-attr]
    margin = root.find(f".//{P}TextRegion[@id='r_margin']")
    assert margin.get("type") == "marginalia"  # type: ignore[union-attr]
    assert margin.get("custom") == "structure {type:MarginTextZone;}"  # type: ignore[union-attr]
    item = root.find(f"{P}Metadata/{P}MetadataItem[@type='processingStep']")
    labels = {lb.get("type"): lb.get("value") for lb in item.iter(f"{P}Label")}  # type: ignore[union-attr]
    assert labels["model-sha256"] == "b" * 64
    assert labels["git-commit"] == "a" * 40
    assert labels["settings"] == '{"batch_size":32,"decoder":"greedy","normalize":"NFC"}'
    assert root.find(f".//{P}SeparatorRegion[@id='r_sep']") is not None


def test_region_kinds_survive_alto() -> None:
    back = read_document(serialize(rich_page(), "alto"))
    kinds = {r.id: (r.kind, r.type) for r in back.regions}
    assert kinds["r_sep"] == ("separator", None)
    assert kinds["r_pic"] == ("image", None)
    assert kinds["r_margin"] == ("text", "MarginTextZone")


def test_page_to_alto_to_page_is_lossless() -> None:
    page = rich_page()
    via_alto = read_document(serialize(page, "alto"))
    again = read_document(serialize(via_alto, "page"))
    assert page_differences(page, again) == []


def test_real_ground_truth_round_trips(sample_pages: list[Path]) -> None:
    """Real eScriptorium ALTO and OCR-D PAGE: valid in both formats, equal when read back."""
    assert len(sample_pages) >= 9
    for path in sample_pages:
        page = read_document(path)
        assert sum(1 for _ in page.lines()) > 0, path
        for fmt in ("page", "alto"):
            data = serialize(page, fmt)  # type: ignore[arg-type]
            assert schema_errors(parse_xml(data)) == [], (path, fmt)
            assert page_differences(page, read_document(data)) == [], (path, fmt)


def test_alto_marks_a_word_broken_over_two_lines_for_search() -> None:
    lines = [("a", "die „Ver-"), ("b", "ſammlung, und Nord-"), ("c", "Amerika ward-"), ("d", ""),
             ("f", "Zu-"), ("g", "ſam-"), ("h", "men")]  # fmt: skip
    region = Region(
        id="r",
        polygon=box(90, 40, 910, 400),
        type="paragraph",
        lines=[make_line(i, 100 + 60 * n, t) for n, (i, t) in enumerate(lines)],
    )
    other = Region(id="s", polygon=box(90, 500, 910, 600), lines=[make_line("e", 550, "rum")])
    page = Page(image_filename="x.png", width=1000, height=1000, regions=[region, other])
    root = parse_xml(serialize(page, "alto")).getroot()
    assert schema_errors(root.getroottree()) == []
    marked = [(s.get("CONTENT"), s.get("SUBS_TYPE"), s.get("SUBS_CONTENT"))
              for s in root.iter(f"{A}String") if s.get("SUBS_TYPE")]  # fmt: skip
    # Only the lower-case continuation within one block is joined: not Nord- / Amerika,
    # not ward- before an empty line, and never across blocks (ward- / rum).
    assert marked == [
        ("„Ver", "HypPart1", "Verſammlung"), ("ſammlung,", "HypPart2", "Verſammlung"),
        ("Zu", "HypPart1", "Zuſam"), ("ſam", "HypPart2", "Zuſam"),  # a part is in one word only
    ]  # fmt: skip
    assert read_document(serialize(page, "alto")).text() == page.text()
