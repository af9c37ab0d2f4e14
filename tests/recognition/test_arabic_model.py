"""The shipped right-to-left model reads Arabic lines and returns them in logical order."""

from __future__ import annotations

from itertools import pairwise

from recognition.metrics import char_errors
from recognition.models import shipped_model
from recognition.predictor import Predictor
from recognition.synthetic import render_line
from recognition.weights import load_model
from tests.factories import arabic_font

# Everyday Arabic, logical order; one line with Western and one with Arabic-Indic digits.
LINES = [
    "في المدينة القديمة مكتبة كبيرة",
    "كان الطقس جميلا في ذلك اليوم",
    "وصلت الرسالة بعد 12 يوما",
    "عدد الصفحات ٣٤٥ في هذا الكتاب",
]


def test_arabic_lines_are_read_right_to_left_into_logical_order() -> None:
    predictor = Predictor(load_model(shipped_model("arabic-small")))
    results = predictor.predict([render_line(text, arabic_font(), 44) for text in LINES])
    errors = sum((char_errors(r.text, t) for r, t in zip(results, LINES, strict=True)),
                 start=char_errors("", ""))  # fmt: skip
    assert errors.rate <= 0.05, [r.text for r in results]
    assert all(r.direction == "rtl" for r in results)
    words = results[0].words()
    assert len(words) == 5
    assert all(a.x0 > b.x0 for a, b in pairwise(words))  # leftwards
