"""Beyond one process: the run on Prefect's Dask task runner over a local Dask cluster."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from flows.run.flow import run_flow
from flows.run.manifest import MANIFEST_KEY
from flows.run.settings import RunSettings
from layout.xmlio import parse_xml, read_document
from layout.xmlio.schemas import schema_errors
from tests.conftest import tiny_texts
from tests.factories import page_of_lines

pytestmark = pytest.mark.slow
PAGES = 4
ROOT = Path(__file__).resolve().parents[2]


def pipelines_loaded() -> int:
    """How many page pipelines (loaded models) this process holds; run on each Dask worker."""
    from flows import pipeline

    return len(pipeline._PIPELINES)


@pytest.mark.usefixtures("prefect_harness")
def test_run_on_a_local_dask_cluster(tiny_model: Path, tmp_path: Path) -> None:
    from distributed import Client, LocalCluster
    from prefect_dask import DaskTaskRunner

    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    for n in range(PAGES):
        Image.fromarray(page_of_lines(tiny_texts(3, seed=40 + n))).save(src / f"p{n}.png")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        runner = DaskTaskRunner(address=cluster.scheduler_address)
        summary = run_flow(str(src), str(dst), RunSettings(model=tiny_model), runner)
        loaded = client.run(pipelines_loaded)
    assert summary["done"] == PAGES and summary["failed"] == 0
    assert sum(loaded.values()) >= 1, "no Dask worker processed a page"
    manifest = json.loads((dst / MANIFEST_KEY).read_text())
    assert sorted(p["input_key"] for p in manifest["pages"]) == [f"p{n}.png" for n in range(PAGES)]
    for n in range(PAGES):
        data = (dst / f"p{n}.alto.xml").read_bytes()
        assert schema_errors(parse_xml(data)) == []
        assert len(read_document(data).text().splitlines()) == 3


RUN_WITHOUT_SERVER = """
import sys
from distributed import Client, LocalCluster
from prefect.client.orchestration import get_client
from prefect.client.schemas.sorting import FlowRunSort
from prefect_dask import DaskTaskRunner
from flows.run.flow import run_flow
from flows.run.settings import RunSettings
from flows.run.settle import recorded_task_runs, task_runs_of

if __name__ == "__main__":
    src, dst, model = sys.argv[1:4]
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \\
            Client(cluster):
        summary = run_flow(src, dst, RunSettings(model=model),
                           DaskTaskRunner(address=cluster.scheduler_address))
    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
    print("recorded", recorded_task_runs(run.id), "of", task_runs_of(summary))
"""


def test_dask_workers_record_their_tasks_on_the_runs_temporary_server(
    tiny_model: Path, tmp_path: Path
) -> None:
    """A script with no Prefect server: the workers must not each start one of their own."""
    src = tmp_path / "src"
    src.mkdir()
    for n in range(PAGES):
        Image.fromarray(page_of_lines(tiny_texts(2, seed=60 + n))).save(src / f"p{n}.png")
    script = tmp_path / "run.py"
    script.write_text(RUN_WITHOUT_SERVER)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_URL")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONPATH": str(ROOT),
            # task runs reach the database seconds late: run_flow must wait for them
            "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "5"}  # fmt: skip
    done = subprocess.run([sys.executable, str(script), str(src), str(tmp_path / "dst"),
                           str(tiny_model)], env=env, capture_output=True, text=True,
                          check=False, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"recorded {PAGES + 1} of {PAGES + 1}" in done.stdout, done.stdout + done.stderr[-3000:]
    # One temporary server, this process's: none of the workers starts one of its own
    # (each would take seconds to start, and its telemetry would try to reach the network).
    assert done.stderr.count("Starting temporary server") == 1, done.stderr[-3000:]
