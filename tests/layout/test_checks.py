"""Semantic checks: each kind of problem is reported, a sound page has none."""

from __future__ import annotations

from layout.checks import page_problems, text_direction
from layout.document import TextLine
from tests.factories import rich_page


def test_sound_page_has_no_problems() -> None:
    assert page_problems(rich_page()) == []


def test_each_problem_is_reported_once_with_its_element() -> None:
    page = rich_page()
    main = page.regions[0]
    main.lines[0].words[0].confidence = 1.5
    main.lines[1].polygon = ((10.0, 10.0), (2000.0, 10.0), (2000.0, 40.0))
    main.lines[2].id = "l1"
    main.lines.append(TextLine(id="bare", text="no geometry"))
    main.lines[3].direction = "ltr"
    page.reading_order.append("nowhere")
    problems = page_problems(page)
    expected = [
        "confidence 1.5 outside [0, 1]",
        "line l2: coordinates outside the page",
        "id 'l1' used 2 times",
        "line bare: no geometry",
        "line l4: text reads rtl but the line is marked ltr",
        "reading order refers to 'nowhere'",
    ]
    for fragment in expected:
        assert sum(fragment in p for p in problems) == 1, (fragment, problems)
    assert len(problems) == len(expected)


def test_text_direction() -> None:
    assert text_direction("שלום 123") == "rtl"
    assert text_direction("Hello") == "ltr"
    assert text_direction("1234 ...") is None
