"""The per-page pipeline end to end: a skewed scan in, text with placed words out."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import time
from multiprocessing.queues import Queue
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from flows.pipeline import PagePipeline, PipelineSettings
from layout.geometry import bounding_box
from layout.images.deskew import rotate
from layout.images.loading import PageImage, load_first_page
from layout.xmlio import parse_xml, read_document, serialize
from layout.xmlio.schemas import schema_errors
from recognition.metrics import char_errors
from tests.conftest import tiny_texts
from tests.factories import page_of_lines

LINES = tiny_texts(4, seed=99)


@pytest.mark.slow
def test_pipeline_reads_a_skewed_page(tiny_model: Path, tmp_path: Path) -> None:
    scan = rotate(page_of_lines(LINES, size=29), 2.0, fill=235)
    Image.fromarray(scan).save(tmp_path / "scan.png", dpi=(300, 300))
    page = load_first_page((tmp_path / "scan.png").read_bytes())
    result = PagePipeline(tiny_model).process(page, "scan.png", "ab" * 32)
    assert (result.width, result.height) == (scan.shape[1], scan.shape[0])
    assert len(list(result.lines())) == len(LINES)
    # The tiny test model misses some narrow spaces; the letters must be right.
    errors = char_errors(result.text().replace(" ", ""), "\n".join(LINES).replace(" ", ""))
    assert errors.rate < 0.15, result.text()
    for line in result.lines():
        line_box = bounding_box(line.polygon)
        for word in line.words:
            box = bounding_box(word.polygon)
            assert line_box.x0 - 5 <= box.x0 < box.x1 <= line_box.x1 + 5
            assert 0.0 <= (word.confidence or 0.0) <= 1.0
    recognition = result.metadata.steps[-1]
    assert recognition.model is not None and len(recognition.model.sha256 or "") == 64
    assert recognition.settings["line_images"] == "binary"  # as trained, recorded in the model
    segmentation = result.metadata.steps[-2]
    assert segmentation.settings["method"] == "detector"
    assert segmentation.settings["degraded_lines"] == 0  # counted in provenance, none here
    assert segmentation.model is not None and segmentation.model.name == "lines-small"
    for fmt in ("page", "alto"):
        data = serialize(result, fmt)  # type: ignore[arg-type]
        assert schema_errors(parse_xml(data)) == []
        assert read_document(data).text() == result.text()


@pytest.mark.slow
def test_an_upside_down_scan_is_read_the_right_way_up(tiny_model: Path) -> None:
    scan = np.ascontiguousarray(np.rot90(page_of_lines(LINES, size=29), 2))
    page = PageImage(scan, 300.0, False, 0, 1, "PNG", "L")
    result = PagePipeline(tiny_model).process(page, "scan.png", "ab" * 32)
    preprocessing = result.metadata.steps[-3].settings
    assert preprocessing["measured_orientation"] == 180
    assert preprocessing["orientation_decided_by"] == "scorer"
    truth = "\n".join(LINES).replace(" ", "")
    errors = char_errors(result.text().replace(" ", ""), truth).rate
    assert errors < 0.25, result.text()  # the tiny test model reads upright lines roughly
    # without the check the page stays as scanned (only flagged) and reads far worse
    settings = PipelineSettings(upright_check=False)
    unchecked = PagePipeline(tiny_model, settings).process(page, "scan.png", "ab" * 32)
    assert unchecked.metadata.steps[-3].settings["measured_orientation"] == 0
    assert char_errors(unchecked.text().replace(" ", ""), truth).rate > errors + 0.3


def test_lines_are_cut_as_the_model_file_says_unless_the_settings_say_otherwise(
    tiny_model: Path, tmp_path: Path
) -> None:
    from recognition.codec import Codec
    from recognition.model import LineRecognizer, ModelConfig
    from recognition.weights import save_model

    assert PagePipeline(tiny_model).line_images == "binary"  # recorded when it was trained
    chosen = PipelineSettings(line_images="grey")
    assert PagePipeline(tiny_model, chosen).line_images == "grey"
    codec = Codec(["a", "b"])
    model = LineRecognizer(ModelConfig(classes=codec.classes, channels=(8, 8, 8, 8, 8), hidden=8))
    save_model(model.eval(), codec, tmp_path / "plain.safetensors", "plain")
    assert PagePipeline(tmp_path / "plain.safetensors").line_images == "grey"  # nothing recorded


@pytest.mark.slow
def test_worker_processes_lay_pages_out_as_this_process_does_and_outlive_lost_workers(
    tiny_model: Path,
) -> None:
    scan = np.ascontiguousarray(np.rot90(page_of_lines(LINES, size=29), 2))
    page = PageImage(scan, 300.0, False, 0, 1, "PNG", "L")
    here = PagePipeline(tiny_model).process(page, "scan.png", "ab" * 32)
    pooled = PagePipeline(tiny_model, PipelineSettings(layout_processes=2), workers=2)
    assert pooled.pool is not None
    try:
        there = pooled.process(page, "scan.png", "ab" * 32)
        # past its time limit, the page's workers are killed, not left to finish it
        running = pooled.pool.workers()
        assert running
        with pytest.raises(TimeoutError):
            pooled.process(page, "scan.png", "ab" * 32, timeout_s=0.01)
        deadline = time.monotonic() + 30
        # exitcode, not join(): the pool's own thread reaps its workers too, and a join
        # that loses that race reports no exit code at all
        while any(w.exitcode is None for w in running) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [w.exitcode for w in running] == [-signal.SIGKILL] * len(running)
        again = pooled.process(page, "scan.png", "ab" * 32)
        killed = pooled.pool.workers()  # as an out-of-memory killer would end them
        for worker in killed:
            worker.kill()
        after_kill = pooled.process(page, "scan.png", "ab" * 32)
        assert not {w.pid for w in pooled.pool.workers()} & {w.pid for w in killed}
    finally:
        pooled.pool.close()
    # the worker's own recogniser settled the orientation, as this process's did
    assert there.metadata.steps[-3].settings["orientation_decided_by"] == "scorer"
    for result in (there, again, after_kill):
        assert result.text() == here.text()
        baselines = [line.baseline for line in result.lines()]
        assert baselines == [line.baseline for line in here.lines()]
        assert result.metadata.steps[-3].settings == here.metadata.steps[-3].settings


@pytest.mark.slow
def test_a_script_without_a_main_guard_is_told_why_its_layout_workers_cannot_start(
    tiny_model: Path, tmp_path: Path
) -> None:
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from pathlib import Path\n"
        "from flows.pipeline import PagePipeline, PipelineSettings\n"
        f"PagePipeline(Path({str(tiny_model)!r}), PipelineSettings(layout_processes=1))\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          check=False, timeout=300)  # fmt: skip
    assert done.returncode != 0
    assert "the layout worker processes could not start" in done.stderr
    assert "if __name__ == '__main__':" in done.stderr


def _pool_in_daemon(model: str, answer: Queue[bool]) -> None:
    """Run in a daemonic process: whether a pipeline asking for layout processes got a pool."""
    pipeline = PagePipeline(Path(model), PipelineSettings(layout_processes=2))
    answer.put(pipeline.pool is not None)


@pytest.mark.slow
def test_a_daemonic_process_lays_pages_out_in_its_threads(tiny_model: Path) -> None:
    """Dask's worker processes are daemonic: they may not start processes of their own."""
    spawn = multiprocessing.get_context("spawn")
    answer: Queue[bool] = spawn.Queue()
    child = spawn.Process(target=_pool_in_daemon, args=(str(tiny_model), answer), daemon=True)
    child.start()
    got_pool = answer.get(timeout=120)
    child.join(timeout=60)
    assert child.exitcode == 0 and got_pool is False
