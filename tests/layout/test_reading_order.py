"""Regions and reading order built from detected lines."""

from __future__ import annotations

from layout.document import TextLine
from layout.geometry import Box
from layout.reading_order import build_regions


def line(x0: float, y0: float, x1: float, name: str) -> TextLine:
    return TextLine(id="", polygon=Box(x0, y0, x1, y0 + 30).corners(), text=name)


def page_lines() -> list[TextLine]:
    """Two columns of five lines, a heading over both, a marginal note left of column one."""
    lines = [line(100, 50, 1500, "heading")]
    lines += [line(200, 150 + 40 * n, 800, f"a{n}") for n in range(5)]
    lines += [line(900, 150 + 40 * n, 1500, f"b{n}") for n in range(5)]
    lines += [line(20, 190, 150, "note0"), line(20, 230, 150, "note1")]
    return lines[::-1]  # found in any order


def texts(regions: list) -> list[list[str]]:  # type: ignore[type-arg]
    return [[ln.text for ln in r.lines] for r in regions]


def test_columns_left_to_right_marginalia_after_their_block() -> None:
    regions = build_regions(page_lines())
    assert texts(regions) == [
        ["heading"],
        ["a0", "a1", "a2", "a3", "a4"],
        ["note0", "note1"],
        ["b0", "b1", "b2", "b3", "b4"],
    ]
    assert [r.type for r in regions] == ["paragraph", "paragraph", "marginalia", "paragraph"]
    ids = [ln.id for r in regions for ln in r.lines]
    assert len(set(ids)) == len(ids) == 13


def test_right_to_left_pages_read_columns_from_the_right() -> None:
    regions = build_regions(page_lines(), "rtl")
    order = [r.lines[0].text for r in regions]
    assert order.index("b0") < order.index("a0")
    assert all(r.direction == "rtl" for r in regions)


def test_a_scrap_below_the_text_is_read_after_it_whatever_its_side() -> None:
    """A short line at the foot of the page, left of the body's edge, is not a column before it."""
    lines = [line(300, 100 + 40 * n, 1200, f"p{n}") for n in range(10)]
    lines += [line(320, 520, 420, "under"), line(150, 540, 290, "foot")]
    regions = build_regions(lines[::-1])
    order = [ln.text for r in regions for ln in r.lines]
    assert order[:10] == [f"p{n}" for n in range(10)]
    assert set(order[10:]) == {"under", "foot"}


def test_every_line_ends_in_exactly_one_region() -> None:
    lines = page_lines()
    regions = build_regions(lines)
    assert sorted(ln.text for r in regions for ln in r.lines) == sorted(ln.text for ln in lines)


def test_a_line_split_at_a_wide_word_gap_does_not_make_columns() -> None:
    """One row found as two pieces: the paragraph's short last lines stay in its order."""
    lines = [line(100, 50 + 40 * n, 1500, f"p{n}") for n in range(3)]
    lines += [line(100, 170, 1200, "p3a"), line(1300, 170, 1500, "p3b")]
    lines += [line(100, 210 + 40 * n, 1500, f"p{4 + n}") for n in range(3)]
    lines += [line(100, 330, 600, "end")]
    regions = build_regions(lines[::-1])
    order = [ln.text for r in regions for ln in r.lines]
    assert order.index("p2") < order.index("p3a") < order.index("p4") < order.index("end")
    assert order[-1] == "end"


def test_text_reaching_into_margin_notes_stays_one_block_in_order() -> None:
    """Some text lines run a little into the notes' column: they are no heading over it."""
    lines = [line(100, 100 + 40 * n, 1010 if n in {0, 1, 2, 3, 4, 6} else 985, f"t{n}")
             for n in range(10)]  # fmt: skip
    lines += [line(990, 380, 1030, "n0"), line(990, 420, 1030, "n1")]
    regions = build_regions(lines[::-1])
    assert texts(regions) == [[f"t{n}" for n in range(10)], ["n0", "n1"]]
    assert [r.type for r in regions] == ["paragraph", "marginalia"]


def test_notes_beside_the_text_stay_marginal_under_a_wider_heading() -> None:
    """The heading reaches over the margin; the notes stand beside the lines at their height."""
    lines = [line(120, 60, 900, "heading")]
    lines += [line(175, 100 + 40 * n, 1000, f"t{n}") for n in range(8)]
    lines += [line(0, 220 + 40 * n, 170, f"n{n}") for n in range(3)]
    regions = build_regions(lines[::-1])
    assert texts(regions) == [["heading", *(f"t{n}" for n in range(8))], ["n0", "n1", "n2"]]
    assert [r.type for r in regions] == ["paragraph", "marginalia"]
