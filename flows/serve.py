"""``archive-ocr serve``: the scheduled runs of ``deploy/prefect.yaml`` on one machine.

When no ``PREFECT_API_URL`` is configured, Prefect's server (API, UI,
scheduler; SQLite under ``PREFECT_HOME``) is started beside the runner on
loopback and stopped with it, so one command is a whole installation. The
runner executes each scheduled run as a subprocess, in the project home, so
relative config paths resolve as they do for workers.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from flows.deployments import DeploymentSpec, served_deployments
from flows.processes import stop_group


class ServerStartError(RuntimeError):
    """Prefect's server did not answer in time."""


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def local_server(port: int, log: Path, timeout: float = 120.0) -> Iterator[str]:
    """Prefect's server on 127.0.0.1:``port`` for the block; yields its API URL."""
    api_url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)],
            env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(api_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerStartError(f"Prefect's server did not start; see {log}")
            time.sleep(0.5)
        yield api_url
    finally:
        stop_group(process)


def serve_specs(specs: list[DeploymentSpec], home: Path, limit: int | None = None) -> None:
    """Serve the deployments until interrupted (against the configured Prefect API)."""
    from prefect import serve  # noqa: PLC0415

    os.chdir(home)
    serve(*served_deployments(specs), limit=limit)
