"""When a run returns, Prefect's history of it is whole: every task run recorded, final."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from flows.run.flow import ocr_run
from flows.run.settings import RunSettings
from flows.run.settle import recorded_task_runs, task_runs_of, wait_until_recorded
from tests.conftest import tiny_texts
from tests.factories import page_of_lines

pytestmark = pytest.mark.slow


def small_pages(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        page = page_of_lines(tiny_texts(1, seed=i), size=24, width=300)
        Image.fromarray(page).save(folder / f"p{i:03d}.png")


@pytest.mark.usefixtures("prefect_harness")
def test_the_server_holds_one_final_task_run_per_input_and_the_listing(
    tmp_path: Path, tiny_model: Path
) -> None:
    small_pages(tmp_path / "src", 5)
    (tmp_path / "src" / "broken.png").write_bytes(b"not an image")
    state = ocr_run(str(tmp_path / "src"), str(tmp_path / "dst"), RunSettings(model=tiny_model),
                    return_state=True)  # fmt: skip
    summary = state.result()
    run_id = state.state_details.flow_run_id
    assert run_id is not None and summary["inputs"] == 6 and summary["failed"] == 1
    assert wait_until_recorded(run_id, task_runs_of(summary), timeout_s=60)
    time.sleep(1.5)  # longer than the recorder's flush interval: nothing more is on its way
    assert recorded_task_runs(run_id) == task_runs_of(summary) == 7


@pytest.mark.usefixtures("prefect_harness")
def test_a_rerun_on_the_temporary_server_ends_without_server_errors(
    tmp_path: Path, tiny_model: Path
) -> None:
    """A rerun settles its done pages faster than Prefect records them one at a time."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    small_pages(src, 40)
    assert ocr_run(str(src), str(dst), RunSettings(model=tiny_model))["done"] == 40
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_URL")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"),  # the command starts its own server
            "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "1",
            "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "1"}  # fmt: skip
    command = [str(Path(sys.executable).with_name("archive-ocr")), "run", str(src), str(dst),
               "--model", str(tiny_model), "--no-progress"]  # fmt: skip
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "0 done, 40 already done, 0 failed" in rerun.stdout
    assert "Traceback" not in rerun.stderr and "Error flushing" not in rerun.stderr, rerun.stderr
