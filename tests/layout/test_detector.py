"""The trained line detector's parts: targets, vectorisation (never dropping a line), training."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw, ImageFont

from layout.detector.network import DetectorConfig, LineNet
from layout.detector.targets import BASELINE, BODY, derive_baseline, page_targets
from layout.detector.training import Sample, TrainSettings, train
from layout.detector.vectorise import vectorise
from layout.detector.weights import load_detector, save_detector
from layout.geometry import Box, iou
from layout.synthetic import PageStyle, render_page
from tests.factories import any_font, with_learned_norms

LINES_Y = (60, 120, 180)


def drawn_maps(gap_in_second: bool = False, body: bool = True) -> np.ndarray:
    """Maps as a perfect detector would give them: three lines, baselines at LINES_Y."""
    maps = np.zeros((2, 240, 400), np.float32)
    for y in LINES_Y:
        cv2.line(maps[BASELINE], (20, y), (380, y), 1.0, 3)
        if body:
            maps[BODY, y - 30 : y + 8, 20:381] = 1.0
    if gap_in_second:
        maps[BASELINE, LINES_Y[1] - 3 : LINES_Y[1] + 4, 180:200] = 0.0  # a word gap
    return maps


def test_each_line_is_found_once_with_its_outline() -> None:
    found = vectorise(drawn_maps(gap_in_second=True), scale=0.5)
    assert len(found) == 3  # the broken baseline is joined, not two lines
    for line, y in zip(sorted(found, key=lambda f: f.baseline[0][1]), LINES_Y, strict=True):
        assert not line.degraded
        (x0, y0), (x1, _) = line.baseline[0], line.baseline[-1]
        assert abs(y0 - 2 * y) <= 2 and x0 <= 2 * 22 and x1 >= 2 * 378  # page coordinates
        truth = Box(40, 2 * (y - 30), 762, 2 * (y + 8)).corners()
        assert iou(line.polygon, truth) > 0.8


def test_a_line_without_a_usable_outline_is_kept_as_a_degraded_box() -> None:
    found = vectorise(drawn_maps(body=False), scale=1.0)
    assert len(found) == 3 and all(line.degraded for line in found)
    for line, y in zip(sorted(found, key=lambda f: f.baseline[0][1]), LINES_Y, strict=True):
        box = Box(*np.min(line.polygon, axis=0), *np.max(line.polygon, axis=0))
        assert box.y0 < y - 10 and box.y1 > y and box.x1 - box.x0 >= 350


@pytest.mark.parametrize("mirrored", [False, True])
def test_pieces_of_baseline_at_a_line_end_belong_to_that_line(mirrored: bool) -> None:
    """A word a little lower at a line's end, or a short trace inside the line (a descending
    word), neither becomes a line nor shrinks the line pitch; on either side of the line."""
    maps = drawn_maps()
    for y in LINES_Y:
        maps[BASELINE, y - 2 : y + 3, 330:381] = 0.0
        cv2.line(maps[BASELINE], (332, y + 6), (380, y + 6), 1.0, 3)  # the end word, lower
        cv2.line(maps[BASELINE], (200, y + 9), (225, y + 9), 1.0, 3)  # a descending piece
    if mirrored:
        maps = np.ascontiguousarray(maps[:, :, ::-1])
    found = vectorise(maps, scale=1.0)
    assert len(found) == 3
    for line in found:
        xs = [x for x, _ in line.baseline]
        assert min(xs) <= 22 and max(xs) >= 378


def test_rows_of_letter_tops_neither_set_the_pitch_nor_become_lines() -> None:
    """Hebrew print: the detector marks bits of baseline along the letters' tops (lamed's
    ascender, a row of bars), many short and some longer than a pitch; they belong to
    their line. A line written between two others stands higher and stays a line."""
    maps = drawn_maps()
    for y in LINES_Y:
        for x in range(30, 330 if y != LINES_Y[1] else 150, 70):
            cv2.line(maps[BASELINE], (x, y - 17), (x + 14, y - 17), 1.0, 3)
    cv2.line(maps[BASELINE], (230, LINES_Y[1] - 18), (330, LINES_Y[1] - 18), 1.0, 3)
    assert len(vectorise(maps, scale=1.0)) == 3
    cv2.line(maps[BASELINE], (100, LINES_Y[2] - 30), (200, LINES_Y[2] - 30), 1.0, 3)
    assert len(vectorise(maps, scale=1.0)) == 4  # an interlinear addition, half a pitch up


def test_specks_are_no_lines() -> None:
    maps = np.zeros((2, 100, 100), np.float32)
    maps[BASELINE, 50:53, 40:43] = 1.0
    assert vectorise(maps, 1.0) == []


def _line_image(text: str) -> tuple[np.ndarray, float]:
    font = ImageFont.truetype(str(any_font()), 40)
    image = Image.new("L", (600, 100), 240)
    ImageDraw.Draw(image).text((20, 60), text, font=font, fill=20, anchor="ls")
    return np.asarray(image), 60.0


def test_baselines_are_derived_from_the_ink_where_ground_truth_has_only_polygons() -> None:
    grey, truth = _line_image("Jagd quer durchs Gebirgsland")
    baseline = derive_baseline(grey, Box(5, 10, 595, 90).corners())
    assert baseline is not None
    assert all(abs(y - truth) <= 2 for _, y in baseline)


def _sample(seed: int) -> Sample:
    style = PageStyle(width=500, height=700, margin=40, font_size=22)
    text = ["Es war einmal ein König, der hatte drei Töchter, die jüngste war so schön. " * 6]
    grey, page = render_page(text, any_font(), style, seed=seed)
    small, maps = page_targets(page, grey, 256)
    from layout.detector.network import normalise

    return Sample(f"s{seed}", normalise(small), maps)


def test_training_lowers_the_loss_and_weights_load_back_identically(tmp_path: Path) -> None:
    config = DetectorConfig(size=256, stem=4, widths=(8, 8, 16, 16))
    losses: list[float] = []
    settings = TrainSettings(steps=60, batch=2, crop=128, checkpoint_every=20, threads=1)
    model = train([_sample(1), _sample(2)], config, settings,
                  lambda _m, _s, loss: losses.append(loss))  # fmt: skip
    assert len(losses) == 3 and losses[-1] < losses[0]
    path = tmp_path / "d.safetensors"
    save_detector(model, path, "tiny", dtype=torch.float32)
    loaded = load_detector(path)
    image = torch.rand(1, 1, 64, 64)
    with torch.inference_mode():
        assert torch.equal(model(image), loaded.model(image))
    assert loaded.name == "tiny" and len(loaded.sha256) == 64


def test_a_recogniser_file_is_not_taken_for_a_detector() -> None:
    from recognition.models import shipped_model

    with pytest.raises(ValueError, match="not an archive-ocr line detector"):
        load_detector(shipped_model())


def test_network_keeps_the_input_size() -> None:
    model = LineNet(DetectorConfig(stem=4, widths=(8, 8, 16, 16))).eval()
    with torch.inference_mode():
        assert model(torch.zeros(1, 1, 96, 160)).shape == (1, 2, 96, 160)


def test_the_inference_form_gives_the_trained_networks_maps() -> None:
    torch.manual_seed(0)
    model = LineNet(DetectorConfig(stem=4, widths=(8, 8, 16, 16)))
    with_learned_norms(model)
    fast = model.for_inference()
    page = torch.rand(1, 1, 96, 160)
    with torch.inference_mode():
        assert torch.allclose(fast(page), model.eval()(page), atol=1e-4)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())  # left as it was


def _ink_line(ink: np.ndarray, y: int, spans: list[tuple[int, int]]) -> None:
    for a, b in spans:
        ink[y - 10 : y, a:b] = True


def test_a_line_run_across_a_narrow_gutter_is_cut_there() -> None:
    from layout.detector.gutters import split_at_gutters
    from layout.detector.traces import Trace

    pitch = 20.0
    ink = np.zeros((200, 500), bool)
    traces = []
    for n, y in enumerate(range(30, 190, 20)):
        if n < 3:  # a marginal note beside the first three lines, joined to them
            _ink_line(ink, y, [(20, 80), (92, 480)])
            xs = np.arange(20, 481, dtype=float)
        else:
            _ink_line(ink, y, [(92, 300), (306, 480)])  # a word gap, no gutter
            xs = np.arange(92, 481, dtype=float)
        traces.append(Trace(xs, np.full(len(xs), float(y))))
    cut = split_at_gutters(traces, ink, pitch)
    assert len(cut) == len(traces) + 3
    notes = [t for t in cut if t.x1 < 92]
    assert len(notes) == 3 and all(t.x0 == 20 and 80 <= t.x1 < 92 for t in notes)
    assert all(t.x1 == 480 for t in cut if t.x0 > 80)  # word gaps are left alone


def test_the_edge_of_an_indented_block_below_cuts_no_line_above_it() -> None:
    """Footnotes set narrower start at one x; word gaps just left of it above are no gutter."""
    from layout.detector.gutters import split_at_gutters
    from layout.detector.traces import Trace

    pitch = 20.0
    ink = np.zeros((400, 500), bool)
    traces = []
    for n, y in enumerate(range(30, 390, 20)):
        if n < 10:  # body text from x=20; some lines have a word gap just left of x=92
            _ink_line(ink, y, [(20, 80), (92, 480)] if n in (0, 2, 4) else [(20, 480)])
            xs = np.arange(20, 481, dtype=float)
        else:  # footnotes, indented to x=92, well below the gaps
            _ink_line(ink, y, [(92, 480)])
            xs = np.arange(92, 481, dtype=float)
        traces.append(Trace(xs, np.full(len(xs), float(y))))
    assert len(split_at_gutters(traces, ink, pitch)) == len(traces)


def test_a_leaning_block_is_cut_at_the_gutter_of_its_notes() -> None:
    """A text block a degree or two off the skew: its edges lean, and its gutters with them."""
    from layout.detector.gutters import split_at_gutters
    from layout.detector.traces import Trace

    pitch, lean = 20.0, 0.05  # the block's edges drift 18 px over its 19 lines
    ink = np.zeros((420, 560), bool)
    traces = []
    for n, y in enumerate(range(30, 400, 20)):
        x0, x1 = round(60 + lean * y), round(400 + lean * y)
        noted = n in (1, 2, 3, 8, 9, 10, 15, 16, 17)  # notes in the right margin, joined
        spans = [(x0, x1), (x1 + 12, x1 + 70)] if noted else [(x0, x1)]
        _ink_line(ink, y, spans)
        xs = np.arange(x0, spans[-1][1] + 1, dtype=float)
        traces.append(Trace(xs, np.full(len(xs), float(y))))
    cut = split_at_gutters(traces, ink, pitch)
    notes = [t for t in cut if t.x0 > 380]
    assert len(cut) == len(traces) + 9 and len(notes) == 9
    assert all(abs(t.x0 - (400 + lean * float(t.ys[0]) + 6)) <= 6 for t in notes)


def test_a_ragged_right_margin_cuts_no_line() -> None:
    """Handwriting: line ends that happen to line up along some slant make no column edge."""
    from layout.detector.gutters import split_at_gutters
    from layout.detector.traces import Trace

    pitch = 20.0
    ink = np.zeros((420, 560), bool)
    traces = []
    for n, y in enumerate(range(30, 390, 20)):
        if n % 2 == 0:  # every other line ends on a slanting line …
            end = round(330 + 0.05 * y)
            _ink_line(ink, y, [(20, end)])
        else:  # … and the others run past it, with a word gap just inside it
            end = 440 + 13 * n % 40
            gap = round(330 + 0.05 * y) - 8
            _ink_line(ink, y, [(20, gap), (gap + 10, end)])
        xs = np.arange(20, end + 1, dtype=float)
        traces.append(Trace(xs, np.full(len(xs), float(y))))
    assert len(split_at_gutters(traces, ink, pitch)) == len(traces)


def test_the_shipped_detector_finds_the_same_lines_in_bfloat16() -> None:
    from layout.detector.detect import LineDetector
    from layout.models import shipped_detector

    style = PageStyle(width=1000, height=1300, margin=100, font_size=34, skew=0.0)
    tale = "Es war einmal ein König, der hatte drei Töchter, die jüngste war so schön. "
    grey, _ = render_page([tale * 4], any_font(), style, seed=5, name="page.png")
    full, half = LineDetector(shipped_detector()), LineDetector(shipped_detector(), bfloat16=True)
    full_maps, half_maps = full.probabilities(grey)[0], half.probabilities(grey)[0]
    assert not np.array_equal(full_maps, half_maps)  # the network did run in bfloat16
    assert np.abs(full_maps - half_maps).mean() < 0.01
    full_lines, half_lines = full.lines(grey), half.lines(grey)
    assert len(half_lines) == len(full_lines) >= 6
    for a, b in zip(full_lines, half_lines, strict=True):
        assert iou(a.polygon, b.polygon) > 0.9
