"""An S3 server that goes down and comes back mid-run is survived through retries."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from PIL import Image

from flows.run.flow import exit_code, ocr_run
from flows.run.manifest import MANIFEST_KEY
from flows.run.settings import RunSettings
from tests.conftest import tiny_texts
from tests.factories import page_of_lines
from tests.seaweed import SeaweedServer, when_work_starts

pytestmark = pytest.mark.slow
PAGES = 6


def restart(server: SeaweedServer, down_s: float, times: dict[str, float]) -> None:
    """Kill the server, and start it again ``down_s`` later."""
    server.crash()
    times["crashed"] = time.monotonic()
    time.sleep(down_s)
    server.start()
    times["back"] = time.monotonic()


@pytest.mark.usefixtures("prefect_harness")
def test_run_survives_the_s3_server_restarting(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = SeaweedServer(tmp_path / "weed")
    server.start()
    try:
        client = server.client()
        client.create_bucket(Bucket="scans")
        for n in range(PAGES):
            buffer = io.BytesIO()
            Image.fromarray(page_of_lines(tiny_texts(3, seed=20 + n))).save(buffer, format="PNG")
            client.put_object(Bucket="scans", Key=f"in/p{n:02d}.png", Body=buffer.getvalue())
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        times: dict[str, float] = {}
        restarter = when_work_starts(client, "scans", lambda: restart(server, 3.0, times))
        summary = ocr_run("s3://scans/in", "s3://scans/out", RunSettings(model=tiny_model))
        finished = time.monotonic()
        restarter.join(timeout=120)
        assert "back" in times and times["back"] < finished, "the run ended before the restart"
        assert exit_code(summary) == 0 and summary["done"] == PAGES

        client = server.client()
        manifest = json.loads(
            client.get_object(Bucket="scans", Key=f"out/{MANIFEST_KEY}")["Body"].read()
        )
        assert [p["status"] for p in manifest["pages"]] == ["done"] * PAGES
        for page in manifest["pages"]:
            for key in page["outputs"]:
                assert client.head_object(Bucket="scans", Key=f"out/{key}")["ContentLength"] > 0
    finally:
        server.stop()
