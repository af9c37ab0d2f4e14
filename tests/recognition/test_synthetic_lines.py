"""Synthetic lines and degradations: labels match what is drawn, and a seed reproduces a line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from typer.testing import CliRunner

from flows.cli import app
from recognition.codec import Codec
from recognition.data import find_line_files
from recognition.degrade import augmenter, degrade
from recognition.model import ModelConfig
from recognition.synthetic import NoFontError, covers, render_line, synthetic_lines
from recognition.training import TrainSettings, train
from tests.factories import any_font

TEXTS = ["The register of baptisms, 1701", "Names of the godparents and witnesses"]


def ink_columns(image: np.ndarray) -> np.ndarray:
    return np.flatnonzero((image < 128).any(axis=0))


def test_rendered_line_holds_the_whole_text() -> None:
    image = render_line(TEXTS[0], any_font(), size=40)
    columns = ink_columns(image)
    assert image.dtype == np.uint8 and 40 <= image.shape[0] <= 80
    assert columns[0] <= 12 and columns[-1] >= image.shape[1] - 12  # nothing clipped
    shorter = render_line(TEXTS[0][:10], any_font(), size=40)
    assert shorter.shape[1] < image.shape[1] / 2


def test_a_font_declaring_too_small_a_box_is_not_clipped(tmp_path: Path) -> None:
    # Some fonts declare a line box smaller than their ink (Joscelyn, a secretary
    # hand, declares a negative descent): the label would name letters cut off.
    face = TTFont(str(any_font()))
    face["hhea"].ascent, face["hhea"].descent = 300, 200  # ink rises ~1,500, falls ~480
    face["OS/2"].usWinAscent, face["OS/2"].usWinDescent = 300, 0
    face["OS/2"].sTypoAscender, face["OS/2"].sTypoDescender = 300, 200
    broken = tmp_path / "broken.ttf"
    face.save(str(broken))

    def ink(image: np.ndarray) -> np.ndarray:
        rows = np.flatnonzero((image < 128).any(axis=1))
        assert rows[0] >= 4 and rows[-1] <= image.shape[0] - 5  # ascenders and descenders inside
        return image[rows[0] : rows[-1] + 1]

    drawn = ink(render_line("Hygienic Baptisms", broken, size=40))
    assert np.array_equal(drawn, ink(render_line("Hygienic Baptisms", any_font(), size=40)))


def test_degradation_keeps_size_and_ink_and_is_reproducible() -> None:
    clean = render_line(TEXTS[1], any_font(), size=36)
    ink = clean < 128
    first = degrade(clean, np.random.default_rng(5), strength=0.8)
    again = degrade(clean, np.random.default_rng(5), strength=0.8)
    other = degrade(clean, np.random.default_rng(6), strength=0.8)
    assert first.shape == clean.shape and first.dtype == np.uint8
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert first[ink].mean() + 60 < first[~ink].mean()  # ink stays clearly darker than paper
    assert np.array_equal(degrade(clean, np.random.default_rng(5), strength=0.0), clean)


def test_texts_go_only_to_fonts_that_have_their_glyphs(tmp_path: Path) -> None:
    font = any_font()
    missing = next(c for c in "ſꝛ⸗\U00013000" if not covers(font, c))
    with pytest.raises(NoFontError, match="no font covers"):
        list(synthetic_lines([f"la{missing}"], [font], 1))
    samples = list(synthetic_lines([*TEXTS, f"la{missing}"], [font], 6, seed=2))
    assert {s.text for s in samples} <= set(TEXTS) and len(samples) == 6
    assert all(s.source.startswith(f"synthetic:{font.name}") for s in samples)


def test_synth_lines_command_writes_a_line_folder(tmp_path: Path) -> None:
    texts = tmp_path / "texts.txt"
    missing = next(c for c in "ſꝛ⸗\U00013000" if not covers(any_font(), c))
    # A paragraph pasted as one line would be wider than OpenCV's warps allow.
    paragraph = " ".join([TEXTS[0]] * 40)
    texts.write_text("\n".join([*TEXTS, f"la{missing}", paragraph]) + "\n\n", encoding="utf-8")
    arguments = ["synth", "lines", "--texts", str(texts), "--font", str(any_font()),
                 "--count", "5", "-o", str(tmp_path / "l")]  # fmt: skip
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "2 of 4 texts left out" in result.output
    found = find_line_files(tmp_path / "l")
    assert len(found) == 5 and {f.text for f in found} <= set(TEXTS)


def test_training_takes_augmented_lines(tmp_path: Path) -> None:
    samples = list(synthetic_lines(TEXTS, [any_font()], 8, seed=1, strength=0.3))
    codec = Codec(sorted({c for s in samples for c in s.text}))
    config = ModelConfig(classes=codec.classes, channels=(8, 8, 8, 8, 8), hidden=16, layers=1)
    state = train(samples, samples[:2], codec, tmp_path, TrainSettings(epochs=1, batch_size=4,
                  max_steps=2, threads=1), config=config, augment=augmenter(0.5))  # fmt: skip
    assert state.step == 2 and (tmp_path / "model.safetensors").exists()


def ink_rows(image: np.ndarray) -> np.ndarray:
    return np.flatnonzero((image < 128).any(axis=1))


def test_superscripts_are_set_raised_and_smaller() -> None:
    # "M^r" in the ground truth is an M with a small raised r on the page
    raised, level = render_line("M^r", any_font(), 40), render_line("Mr", any_font(), 40)
    for image in (raised, level):
        assert ink_rows(image)[-1] == ink_rows(level)[-1]  # the M stands on the baseline
    after_m = ink_columns(render_line("M", any_font(), 40))[-1] + 2
    r_raised, r_level = ink_rows(raised[:, after_m:]), ink_rows(level[:, after_m:])
    assert r_raised[-1] <= r_level[-1] - 10
    assert r_raised[-1] - r_raised[0] < 0.8 * (r_level[-1] - r_level[0])
    assert raised.shape[1] < level.shape[1]


def test_struck_text_has_a_stroke_through_it() -> None:
    def longest_stroke(image: np.ndarray) -> float:
        """The longest unbroken run of ink in a row, against the width of the ink."""
        columns = ink_columns(image)
        longest = 0
        for row in image[:, columns[0] : columns[-1] + 1] < 128:
            edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(int), [0]])))
            longest = max(longest, int((edges[1::2] - edges[::2]).max(initial=0)))
        return longest / int(columns[-1] - columns[0] + 1)

    assert longest_stroke(render_line(">nomen<", any_font(), 40)) > 0.95
    assert longest_stroke(render_line("nomen", any_font(), 40)) < 0.4


def test_line_break_hyphens_are_drawn_as_hyphens_under_their_label() -> None:
    text = "sanctus per¬"
    samples = list(synthetic_lines([text], [any_font()], 6, seed=3, strength=0.0))
    assert {s.text for s in samples} == {text}
    shapes = [h for h in ("-", "=", "⸗") if covers(any_font(), h)]
    sizes = range(28, 57)  # synthetic_lines' type sizes
    drawn = [render_line(f"sanctus per{h}", any_font(), size) for h in shapes for size in sizes]
    for sample in samples:
        assert any(np.array_equal(sample.image, image) for image in drawn)
    assert len({s.image.tobytes() for s in samples}) > 1
