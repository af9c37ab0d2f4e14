"""Reduced precision runs where the device has it, and provenance says which ran."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from recognition import precision
from recognition.precision import autocast, effective_precision
from recognition.predictor import Predictor, PredictorSettings
from recognition.weights import load_model
from tests.conftest import tiny_training_lines


@pytest.mark.parametrize("has_bfloat16", [True, False])
def test_a_cpu_runs_bfloat16_only_with_the_instructions_for_it(
    monkeypatch: pytest.MonkeyPatch, has_bfloat16: bool
) -> None:
    monkeypatch.setattr(precision, "cpu_runs_bfloat16", lambda: has_bfloat16)
    assert effective_precision("cpu", "bfloat16") == ("bfloat16" if has_bfloat16 else "float32")
    assert effective_precision("cpu", "float16") == "float32"  # a GPU setting
    assert effective_precision("cpu", "float32") == "float32"
    assert effective_precision("cuda:0", "float16") == "float16"
    with autocast("cpu", "bfloat16"):
        product = torch.ones(4, 4) @ torch.ones(4, 4)
    assert product.dtype == (torch.bfloat16 if has_bfloat16 else torch.float32)


@pytest.mark.parametrize("has_bfloat16", [True, False])
def test_the_predictor_reads_alike_in_both_precisions_and_names_the_one_it_ran(
    monkeypatch: pytest.MonkeyPatch, tiny_model: Path, has_bfloat16: bool
) -> None:
    monkeypatch.setattr(precision, "cpu_runs_bfloat16", lambda: has_bfloat16)
    loaded = load_model(tiny_model)
    lines = [sample.image for sample in tiny_training_lines()[:8]]  # type: ignore[attr-defined]
    reduced = Predictor(loaded, PredictorSettings(precision="bfloat16"))
    full = Predictor(loaded, PredictorSettings(precision="float32"))
    assert reduced.precision == ("bfloat16" if has_bfloat16 else "float32")
    assert full.precision == "float32"
    got, expected = reduced.predict(lines), full.predict(lines)
    assert [r.text for r in got] == [r.text for r in expected]
    differences = [abs(a.confidence - b.confidence) for reduced_line, full_line in
                   zip(got, expected, strict=True)
                   for a, b in zip(reduced_line.chars, full_line.chars, strict=True)]  # fmt: skip
    assert max(differences) < 0.05
    assert (max(differences) > 0) == has_bfloat16  # bfloat16 did run where it says so


def test_bfloat16_is_left_aside_where_openmp_may_start_fewer_threads_than_torch_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # PyTorch's bfloat16 matrix products then compute wrong results (see recognition.precision)
    monkeypatch.setattr(precision, "cpu_runs_bfloat16", lambda: True)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
        assert effective_precision("cpu", "bfloat16") == "float32"
        assert effective_precision("cuda", "bfloat16") == "bfloat16"  # not a CPU matter
        torch.set_num_threads(1)
        assert effective_precision("cpu", "bfloat16") == "bfloat16"
        monkeypatch.setenv("OMP_DYNAMIC", "TRUE")
        assert effective_precision("cpu", "bfloat16") == "float32"
    finally:
        torch.set_num_threads(threads)
