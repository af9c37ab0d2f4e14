"""Property-based tests: any text and any in-page geometry survive both formats."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.compare import page_differences
from layout.document import Page, Region, TextLine
from layout.xmlio import parse_xml, read_document, serialize
from layout.xmlio.schemas import schema_errors

# Everything XML 1.0 can carry: no C0 controls but tab, no surrogates, no U+FFFE/U+FFFF.
xml_chars = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)])) + "\ufffe\uffff",
)
special = st.sampled_from(
    ["&", "<", ">", '"', "'", "ſ", "ꝛ", "⸗", "e\u0364", "\u0303", "\u202e", "\u200f", "ש", "ب"]
)
line_text = st.lists(st.one_of(xml_chars, special), max_size=40).map("".join)
# ALTO splits words at spaces; a line that is only spaces cannot be told from an empty one.
alto_text = line_text.filter(lambda t: t.strip(" ") != "" or t == "")

coordinate = st.integers(min_value=0, max_value=999)
points = st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=12).map(
    lambda ps: tuple((float(x), float(y)) for x, y in ps)
)


def one_line_page(text: str, polygon: tuple[tuple[float, float], ...] = ()) -> Page:
    line = TextLine(
        id="l1",
        polygon=polygon or ((10.0, 10.0), (500.0, 10.0), (500.0, 50.0), (10.0, 50.0)),
        baseline=((10.0, 45.0), (500.0, 45.0)),
        text=text,
    )
    return Page("a.png", 1000, 1000, regions=[Region("r1", lines=[line])])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=line_text)
def test_any_text_survives_page_xml(text: str) -> None:
    data = serialize(one_line_page(text), "page")
    assert schema_errors(parse_xml(data)) == []
    assert read_document(data).regions[0].lines[0].text == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=alto_text)
def test_any_text_survives_alto(text: str) -> None:
    data = serialize(one_line_page(text), "alto")
    assert schema_errors(parse_xml(data)) == []
    assert read_document(data).regions[0].lines[0].text == text


@settings(max_examples=100, deadline=None)
@given(polygon=points)
def test_any_in_page_polygon_survives_both_formats(
    polygon: tuple[tuple[float, float], ...],
) -> None:
    page = one_line_page("x", polygon)
    for fmt in ("page", "alto"):
        back = read_document(serialize(page, fmt))  # type: ignore[arg-type]
        assert page_differences(page, back) == [], fmt
