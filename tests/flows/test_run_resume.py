"""A run killed midway and started again finishes the job: no page done twice, none missing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from flows.run.flow import ocr_run
from flows.run.manifest import MANIFEST_KEY, STATE_PREFIX
from flows.run.settings import RunSettings
from tests.conftest import tiny_texts
from tests.factories import page_of_lines

pytestmark = pytest.mark.slow
PAGES = 8


def records(dst: Path) -> dict[str, dict[str, object]]:
    folder = dst / STATE_PREFIX
    return (
        {p.name: json.loads(p.read_text()) for p in folder.glob("*.json")}
        if folder.is_dir()
        else {}
    )


@pytest.mark.usefixtures("prefect_harness")
def test_killed_run_resumes_without_redoing_pages(tiny_model: Path, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    for n in range(PAGES):
        Image.fromarray(page_of_lines(tiny_texts(3, seed=n))).save(src / f"p{n:03d}.png")
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}  # fmt: skip
    command = [sys.executable, "-m", "flows.cli", "run", str(src), str(dst), "--model",
               str(tiny_model)]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(records(dst)) < 2 and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = records(dst)
    assert 2 <= len(before) < PAGES, "the first run should be killed midway"

    ocr_run(str(src), str(dst), RunSettings(model=tiny_model))
    manifest = json.loads((dst / MANIFEST_KEY).read_text())
    status = {p["input_key"]: p["status"] for p in manifest["pages"]}
    assert len(status) == PAGES
    finished_first = {r["input_key"] for r in before.values() if r["status"] == "done"}
    assert {k for k, s in status.items() if s == "skipped"} == finished_first
    assert {k for k, s in status.items() if s == "done"} == set(status) - finished_first
    after = records(dst)
    for name, record in before.items():  # records of finished pages were not rewritten
        assert after[name]["finished"] == record["finished"]
    assert len(list(dst.glob("*.alto.xml"))) == len(list(dst.glob("*.page.xml"))) == PAGES
