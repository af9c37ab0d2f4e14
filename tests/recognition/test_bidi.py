"""Right-to-left lines: display order for CTC, logical order for everything else."""

from __future__ import annotations

import random

import numpy as np

from recognition.bidi import line_direction, reorder
from recognition.codec import Codec
from recognition.data import LineDataset, LineSample
from recognition.decoding import Char, Recognized, in_logical_order

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def test_arabic_words_are_shown_right_to_left_with_numbers_left_to_right() -> None:
    # logical: "salaam 123 abc" in an Arabic line; shown from the left: "abc 123 maalas"
    assert reorder("سلام 123 abc") == "abc 123 مالس"
    assert reorder("في ١٩٤٥، قال") == "لاق ،١٩٤٥ يف"


def test_combining_marks_stay_on_their_letters() -> None:
    vocalised = "كَتَبَ"  # kataba, each letter with its fatha
    assert reorder(vocalised) == "بَتَكَ"


def test_brackets_are_mirrored_on_right_to_left_runs() -> None:
    assert reorder("قال (نعم)") == "(معن) لاق"


def test_left_to_right_text_is_untouched() -> None:
    text = "Der Wolf (1812) sprach: 10,5 %"
    assert reorder(text) == text
    assert line_direction(text) == "ltr"


def test_the_direction_is_that_of_most_strong_letters() -> None:
    assert line_direction("ISBN 12 مكتبة الإسكندرية") == "rtl"
    assert line_direction("Bibliotheca Alexandrina مكتبة") == "ltr"


def _arabic_line(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 9)):
        pick = rng.random()
        if pick < 0.6:
            word = "".join(rng.choice(ARABIC) for _ in range(rng.randint(1, 7)))
        elif pick < 0.75:
            word = "".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 6)))
        elif pick < 0.85:
            word = str(rng.randint(0, 5000)) + rng.choice(["", "%", ".5", ",000"])
        else:
            word = "".join(rng.choice("٠١٢٣٤٥٦٧٨٩") for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.2:
            word += rng.choice(["،", ".", ":", "؟", "!"])
        if rng.random() < 0.05:
            word = f"({word})"
        words.append(word)
    return " ".join(words)


def test_display_order_maps_back_to_logical_order() -> None:
    rng = random.Random(3)
    lines = [line for line in (_arabic_line(rng) for _ in range(3000))
             if line_direction(line) == "rtl"]  # fmt: skip
    assert len(lines) > 2000
    for line in lines:
        assert reorder(reorder(line), "rtl") == line, line


def test_a_decoded_line_is_put_in_logical_order_with_its_positions() -> None:
    shown = "مالس abc"  # as CTC reads the image from the left
    chars = [Char(c, 0.5 + n / 100, 10.0 * n, 10.0 * n + 8) for n, c in enumerate(shown)]
    decoded = Recognized(shown, 0.7, chars)
    logical = in_logical_order(decoded)
    assert logical.text == "abc سلام"
    assert logical.direction == "rtl"
    by_text = {c.text: c for c in chars}
    assert all(c == by_text[c.text] for c in logical.chars)  # confidences and x kept
    first, second = logical.words()
    assert (first.text, first.x0, first.x1) == ("abc", 50.0, 78.0)
    assert (second.text, second.x0, second.x1) == ("سلام", 0.0, 38.0)


def test_a_left_to_right_line_is_returned_as_decoded() -> None:
    chars = [Char(c, 0.9, n, n + 1.0) for n, c in enumerate("Wolf 12")]
    decoded = Recognized("Wolf 12", 0.9, chars)
    assert in_logical_order(decoded) is decoded


def test_training_labels_of_right_to_left_lines_are_in_display_order() -> None:
    codec = Codec.from_texts(["سلام 123 abc"])
    image = np.full((32, 200), 255, np.uint8)
    dataset = LineDataset([LineSample(image, "سلام 123 abc")], codec, height=48)
    _, label, text = dataset[0]
    assert codec.decode(label) == "abc 123 مالس"
    assert text == "سلام 123 abc"
