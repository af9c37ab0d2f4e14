"""Scheduled runs for real: deploy/prefect.yaml on a Prefect server with a process worker,
and ``archive-ocr serve`` with the server it starts itself."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from flows.deploy_commands import parse_params
from flows.deployments import DeploymentFileError, project_home, read_deployments
from flows.processes import stop_group
from flows.run.manifest import MANIFEST_KEY
from flows.serve import local_server
from recognition.models import shipped_model
from tests.conftest import tiny_texts
from tests.factories import page_of_lines
from tests.seaweed import free_port

ROOT = Path(__file__).resolve().parents[2]
PREFECT_FILE = ROOT / "deploy" / "prefect.yaml"


def test_the_shipped_deployments_file_reads_and_its_configs_are_valid() -> None:
    from flows.run.settings import load_settings

    specs = read_deployments(PREFECT_FILE)
    assert {s.work_pool for s in specs} == {"archive-ocr-cpu", "archive-ocr-gpu", "archive-ocr-k8s"}
    required, optional = {"src", "dst", "config"}, {"overrides"}
    assert all(s.schedules and required <= s.parameters.keys() <= required | optional
               for s in specs)  # fmt: skip
    assert project_home(PREFECT_FILE) == ROOT
    models = {spec.name: load_settings(ROOT / spec.parameters["config"],
                                       spec.parameters.get("overrides", {})).model
              for spec in specs}  # fmt: skip
    assert models["print-weekly-gpu"] == shipped_model("latin-print")  # gpu.yaml, print model
    trial = specs[0].overridden(pool="p", cron="* * * * *", params={"src": "/scans"})
    assert (trial.work_pool, [s.cron for s in trial.schedules]) == ("p", ["* * * * *"])
    assert (
        trial.parameters["src"] == "/scans"
        and trial.parameters["dst"] == specs[0].parameters["dst"]
    )
    with pytest.raises(DeploymentFileError, match="no deployment named nightly"):
        read_deployments(PREFECT_FILE, ["nightly"])
    assert parse_params(["a=1", "b=s3://x/y", 'c={"k": true}']) == {
        "a": 1, "b": "s3://x/y", "c": {"k": True}}  # fmt: skip


def wait_for(path: Path, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear in {timeout:g} s"
        assert process is None or process.poll() is None, "the process ended early"
        time.sleep(0.5)


@contextlib.contextmanager
def started(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True, cwd=log.parent)  # fmt: skip
    try:
        yield process
    finally:
        stop_group(process, grace=10)


@dataclass(frozen=True)
class Trial:
    """Two scans to read, where results go, a Prefect home of the test's own, and the
    deployment arguments: registers-nightly every minute on those scans with the tiny model."""

    dst: Path
    env: dict[str, str]
    arguments: list[str]


@pytest.fixture()
def trial(tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Trial:
    src, dst = tmp_path / "scans", tmp_path / "ocr"
    src.mkdir()
    for n in range(2):
        Image.fromarray(page_of_lines(tiny_texts(3, seed=60 + n))).save(src / f"f{n}.png")
    config = tmp_path / "settings.yaml"
    config.write_text(f"model: {tiny_model}\nworkers: 2\n")
    for name, value in (("PREFECT_HOME", str(tmp_path / "prefect-home")),
                        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
                        ("PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS", "1")):  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    arguments = ["--prefect-file", str(PREFECT_FILE), "-n", "registers-nightly",
                 "--cron", "* * * * *", "--param", f"src={src}", "--param", f"dst={dst}",
                 "--param", f"config={config}"]  # fmt: skip
    return Trial(dst, dict(os.environ), arguments)


@pytest.mark.slow
def test_scheduled_deployment_runs_on_a_real_server_and_worker(
    trial: Trial, tmp_path: Path
) -> None:
    env, dst = trial.env, trial.dst
    cli = [sys.executable, "-m", "flows.cli"]
    with local_server(free_port(), tmp_path / "server.log") as api_url:
        env["PREFECT_API_URL"] = api_url
        subprocess.run([sys.executable, "-m", "prefect", "work-pool", "create", "trial-pool",
                        "--type", "process"], env=env, check=True, capture_output=True)  # fmt: skip
        deployed = subprocess.run(
            [*cli, "deploy", *trial.arguments, "--pool", "trial-pool"],
            env=env, capture_output=True, text=True, cwd=tmp_path, check=False,
        )  # fmt: skip
        assert deployed.returncode == 0, deployed.stderr
        assert "registers-nightly (* * * * *) on pool trial-pool" in deployed.stdout
        worker = [sys.executable, "-m", "prefect", "worker", "start", "--pool", "trial-pool",
                  "--type", "process", "--limit", "1"]  # fmt: skip
        with started(worker, env, tmp_path / "worker.log") as process:
            wait_for(dst / MANIFEST_KEY, timeout=180, process=process)
            runs = flow_runs(api_url)
    manifest = json.loads((dst / MANIFEST_KEY).read_text())
    assert manifest["summary"]["done"] == 2 and manifest["summary"]["failed"] == 0
    assert sorted(p.name for p in dst.glob("*.alto.xml")) == ["f0.alto.xml", "f1.alto.xml"]
    assert any(run["auto_scheduled"] and run["deployment"] == "registers-nightly" for run in runs)


def flow_runs(api_url: str) -> list[dict[str, object]]:
    """The flow runs the server knows, with whether its scheduler made them."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        deployments = {d.id: d.name for d in client.read_deployments()}
        return [{"auto_scheduled": run.auto_scheduled, "state": run.state_name,
                 "deployment": deployments.get(run.deployment_id)}  # type: ignore[arg-type]
                for run in client.read_flow_runs()]  # fmt: skip


@pytest.mark.slow
def test_serve_runs_the_schedule_with_its_own_prefect_server(trial: Trial, tmp_path: Path) -> None:
    dst = trial.dst
    command = [sys.executable, "-m", "flows.cli", "serve", *trial.arguments,
               "--port", str(free_port())]  # fmt: skip
    with started(command, trial.env, tmp_path / "serve.log") as process:
        wait_for(dst / MANIFEST_KEY, timeout=180, process=process)
    manifest = json.loads((dst / MANIFEST_KEY).read_text())
    assert manifest["summary"]["done"] == 2
    assert "Prefect server: http://127.0.0.1:" in (tmp_path / "serve.log").read_text()
