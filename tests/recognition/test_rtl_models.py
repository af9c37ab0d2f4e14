"""The shipped right-to-left models read their lines and return them in logical order."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from recognition.metrics import char_errors
from recognition.models import shipped_model
from recognition.predictor import Predictor
from recognition.synthetic import render_line
from recognition.weights import load_model
from tests.factories import arabic_font, hebrew_font

# Everyday text in logical order, with Western (and Arabic-Indic) digits; each first line
# has five words.
LINES: dict[str, tuple[str, Callable[[], Path], list[str]]] = {
    "arabic": ("arabic-small", arabic_font, [
        "في المدينة القديمة مكتبة كبيرة",
        "كان الطقس جميلا في ذلك اليوم",
        "وصلت الرسالة بعد 12 يوما",
        "عدد الصفحات ٣٤٥ في هذا الكتاب",
    ]),
    "hebrew": ("hebrew-small", hebrew_font, [
        "בעיר העתיקה יש ספרייה גדולה",
        "מזג האוויר היה יפה באותו יום",
        "המכתב הגיע אחרי 12 ימים",
        "בספר הזה יש 345 עמודים",
    ]),
}  # fmt: skip


@pytest.mark.parametrize("script", sorted(LINES))
def test_lines_are_read_right_to_left_into_logical_order(script: str) -> None:
    model, font, lines = LINES[script]
    predictor = Predictor(load_model(shipped_model(model)))
    results = predictor.predict([render_line(text, font(), 44) for text in lines])
    errors = sum((char_errors(r.text, t) for r, t in zip(results, lines, strict=True)),
                 start=char_errors("", ""))  # fmt: skip
    assert errors.rate <= 0.05, [r.text for r in results]
    assert all(r.direction == "rtl" for r in results)
    words = results[0].words()
    assert len(words) == 5
    assert all(a.x0 > b.x0 for a, b in pairwise(words))  # leftwards
