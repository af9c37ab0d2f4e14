"""The shared reader: lines of several callers read in common batches, each served its own."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from recognition.batching import SharedReader
from recognition.decoding import Recognized
from recognition.predictor import Predictor, PreparedLine
from recognition.weights import load_model
from tests.conftest import tiny_training_lines


class FailingPredictor(Predictor):
    """A real predictor that refuses lines wider than 2,000 pixels (as a GPU out of memory)."""

    def predict_prepared(self, lines: Sequence[PreparedLine]) -> list[Recognized]:
        if any(line.source_width > 2000 for line in lines):
            raise MemoryError("line too wide for this device")
        return super().predict_prepared(lines)


def test_callers_get_their_own_lines_read_together(tiny_model: Path) -> None:
    predictor = Predictor(load_model(tiny_model))
    images = [s.image for s in tiny_training_lines()][:24]  # type: ignore[attr-defined]
    expected = [r.text for r in predictor.predict(images)]
    reader = SharedReader(predictor, workers=4, max_wait_s=0.5)
    got: dict[int, list[str]] = {}
    barrier = threading.Barrier(4)

    def caller(n: int) -> None:
        barrier.wait()
        got[n] = [r.text for r in reader.predict(images[n * 6 : (n + 1) * 6])]

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.close()
    assert [text for n in range(4) for text in got[n]] == expected
    stats = reader.stats.summary()
    assert stats["lines"] == 24
    assert stats["calls"] is not None and int(stats["calls"]) < 4  # pages shared a call
    assert stats["pages_per_call"] is not None and float(stats["pages_per_call"]) > 1


def test_a_failing_batch_is_reported_to_its_callers_and_the_reader_goes_on(
    tiny_model: Path,
) -> None:
    reader = SharedReader(FailingPredictor(load_model(tiny_model)))
    with pytest.raises(MemoryError, match="too wide"):
        reader.predict([np.full((40, 2400), 255, np.uint8)])
    line = tiny_training_lines()[0]
    assert reader.predict([line.image]) == Predictor(load_model(tiny_model)).predict([line.image])  # type: ignore[attr-defined]
    assert reader.predict([]) == []
    reader.close()
    with pytest.raises(RuntimeError, match="stopped"):
        reader.predict([line.image])  # type: ignore[attr-defined]
