"""Recognised characters become words and glyphs at the right place on the page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from layout.attach import attach_text
from layout.document import TextLine
from layout.geometry import bounding_box
from layout.line_images import line_geometry


@dataclass
class Char:
    text: str
    confidence: float
    x0: float
    x1: float


def test_words_and_glyphs_follow_the_baseline() -> None:
    line = TextLine("l", polygon=((100.0, 60.0), (300.0, 60.0), (300.0, 110.0), (100.0, 110.0)),
                    baseline=((100.0, 100.0), (300.0, 100.0)))  # fmt: skip
    geometry = line_geometry(line)
    p = geometry.pad  # the line image starts this many columns before the baseline
    chars = [Char("a", 0.9, p, p + 10), Char("b", 0.7, p + 10, p + 20),
             Char(" ", 1.0, p + 20, p + 30), Char("c", 0.8, p + 30, p + 40)]  # fmt: skip
    attach_text(line, "ab c", 0.8, chars, geometry, glyphs=True)
    assert line.text == "ab c" and line.confidence == 0.8
    assert [w.text for w in line.words] == ["ab", "c"]
    assert line.words[0].confidence == pytest.approx(0.8)
    first = bounding_box(line.words[0].polygon)
    assert first.x0 == pytest.approx(100) and first.x1 == pytest.approx(120)
    assert first.y0 < 100 < first.y1  # spans the band around the baseline
    assert [g.text for g in line.words[0].glyphs] == ["a", "b"]
    attach_text(line, "ab c", 0.8, chars, geometry)
    assert line.words[0].glyphs == []
