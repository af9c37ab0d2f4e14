"""The failure policy: past the allowed ratio a run stops starting inputs, and says so."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from flows.run.flow import FailurePolicyError, ocr_run
from flows.run.manifest import MANIFEST_KEY, REPORT_KEY
from flows.run.settings import RunSettings
from recognition.weights import file_sha256
from tests.conftest import tiny_texts
from tests.factories import page_of_lines


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_run_stops_when_too_many_pages_fail(tiny_model: Path, tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    Image.fromarray(page_of_lines(tiny_texts(2, seed=1))).save(src / "a-good.png")
    for n in range(8):
        (src / f"b-bad{n}.tif").write_bytes(b"not a scan\n")
    settings = RunSettings(model=tiny_model, workers=1, min_pages_for_ratio=3,
                           max_failure_ratio=0.5)  # fmt: skip
    stopped = "2 of 3 pages failed, over the allowed 50%"
    with pytest.raises(FailurePolicyError, match=stopped) as err:
        ocr_run(str(src), str(dst), settings)
    manifest = json.loads((dst / MANIFEST_KEY).read_text())
    assert [p["status"] for p in manifest["pages"]] == ["done", "failed", "failed"]
    assert "b-bad1.tif" in (dst / REPORT_KEY).read_text()
    assert err.value.summary == manifest["summary"]
    assert pickle.loads(pickle.dumps(err.value)).summary == err.value.summary

    config = tmp_path / "policy.yaml"
    config.write_text("workers: 1\nmin_pages_for_ratio: 3\nmax_failure_ratio: 0.5\n")
    command = ["run", str(src), str(tmp_path / "dst2"), "--config", str(config),
               "--model", str(tiny_model), "--no-progress"]  # fmt: skip
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 1, result.output
    assert f"run stopped: {stopped}" in result.stderr

    # as a deployment passes them: the policy from the file, the model from overrides
    with pytest.raises(FailurePolicyError, match=stopped):
        ocr_run(str(src), str(tmp_path / "dst3"), config=str(config),
                overrides={"model": str(tiny_model)})  # fmt: skip
    manifest = json.loads((tmp_path / "dst3" / MANIFEST_KEY).read_text())
    assert manifest["model_sha256"] == file_sha256(tiny_model)
    with pytest.raises(ValueError, match="not both"):
        ocr_run(str(src), str(tmp_path / "dst4"), settings, overrides={"workers": 2})


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("layout_processes", [0, 1])
def test_a_page_over_its_time_limit_fails_with_the_reason_and_writes_nothing(
    tiny_model: Path, tmp_path: Path, layout_processes: int
) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    for n in range(2):
        Image.fromarray(page_of_lines(tiny_texts(2, seed=n))).save(src / f"p{n}.png")
    settings = RunSettings(model=tiny_model, page_timeout_s=0.001,
                           layout_processes=layout_processes)  # fmt: skip
    summary = ocr_run(str(src), str(dst), settings)
    assert summary["failed"] == 2 and summary["done"] == 0
    manifest = json.loads((dst / MANIFEST_KEY).read_text())
    assert {p["reason"] for p in manifest["pages"]} == {"timeout: over 0.001 s"}
    assert not list(dst.glob("*.xml"))
    # the same pages within a sensible limit are done: the limit, not the pages, failed them
    settings = settings.model_copy(update={"page_timeout_s": 600.0})
    assert ocr_run(str(src), str(dst), settings)["done"] == 2
