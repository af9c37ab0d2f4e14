"""An S3 server that goes down and comes back mid-run is survived through retries."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from flows.run.flow import exit_code, ocr_run
from flows.run.manifest import MANIFEST_KEY
from flows.run.settings import RunSettings
from tests.conftest import tiny_texts
from tests.factories import page_of_lines
from tests.seaweed import SeaweedServer

pytestmark = pytest.mark.slow
PAGES = 6


def restart_when_work_starts(
    server: SeaweedServer, down_s: float, times: dict[str, float]
) -> threading.Thread:
    """Kill the server once a page record is written; start it again ``down_s`` later."""
    client = server.client()

    def watch() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            found = client.list_objects_v2(Bucket="scans", Prefix="out/.archive-ocr/pages/")
            if found.get("KeyCount", 0):
                server.crash()
                times["crashed"] = time.monotonic()
                time.sleep(down_s)
                server.start()
                times["back"] = time.monotonic()
                return
            time.sleep(0.1)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


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
        for name, value in (("AWS_ENDPOINT_URL", server.endpoint),
                            ("AWS_ACCESS_KEY_ID", "test-key"),
                            ("AWS_SECRET_ACCESS_KEY", "test-secret"),
                            ("AWS_DEFAULT_REGION", "us-east-1")):  # fmt: skip
            monkeypatch.setenv(name, value)
        times: dict[str, float] = {}
        restarter = restart_when_work_starts(server, down_s=3.0, times=times)
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
