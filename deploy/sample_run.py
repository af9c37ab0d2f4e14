"""Run the shipped samples through a deployed stack and check what it wrote.

Used by ``deploy/compose-native.sh`` and ``deploy/compose-check.sh`` once their
stack is up::

    python deploy/sample_run.py API_PORT S3_PORT [DEPLOYMENT]
    python deploy/sample_run.py --env API_PORT S3_PORT   # KEY=VALUE lines, for a shell

It talks to the stack as its workers do, with the settings that
``deploy/compose.yaml`` gives them (``x-ocr-env``: Prefect's API, the S3
endpoint and credentials), the hosts there replaced by this machine's ports
``API_PORT`` and ``S3_PORT``. It creates the ``archive-scans`` and
``archive-ocr`` buckets, puts the samples of ``flows/samples`` under
``s3://archive-scans/registers``, starts a run of the deployment (default
``archive-ocr-run/registers-nightly``, whose source and destination are those
prefixes), waits for it to end, lists what it wrote under
``s3://archive-ocr/registers`` and exits 0 only when the run completed with
PAGE and ALTO for every sample.
"""

from __future__ import annotations

import asyncio
import pathlib
import sys
from typing import Any

import boto3
import yaml
from prefect.client.orchestration import get_client
from prefect.deployments.flow_runs import arun_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

DEPLOY = pathlib.Path(__file__).resolve().parent
SAMPLES = DEPLOY.parent / "flows" / "samples"
WAIT_S = 600


def stack_settings(api_port: int, s3_port: int) -> dict[str, str]:
    """The compose workers' environment, with this machine's ports for the services."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    hosts = {"prefect-server:4200": f"127.0.0.1:{api_port}", "s3:8333": f"127.0.0.1:{s3_port}"}
    settings = {}
    for key, value in compose["x-ocr-env"].items():
        setting = str(value)
        for host, local in hosts.items():
            setting = setting.replace(host, local)
        settings[key] = setting
    return settings


def put_samples(s3: Any) -> list[str]:
    """Create both buckets and upload the sample scans; return their names."""
    for bucket in ("archive-scans", "archive-ocr"):
        s3.create_bucket(Bucket=bucket)
    names = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in {".jpg", ".tif"}:
            s3.upload_file(str(path), "archive-scans", f"registers/{path.name}")
            names.append(path.stem)
    return names


async def final_state(deployment: str) -> str:
    """Start a run of ``deployment`` and wait for its final state."""
    run = await arun_deployment(deployment, timeout=0)
    print(f"flow run {run.id} of {deployment}", flush=True)
    async with get_client() as client:
        for _ in range(WAIT_S // 2):
            current = await client.read_flow_run(run.id)
            if current.state is not None and current.state.is_final():
                return current.state.type.value
            await asyncio.sleep(2)
    return "TIMED OUT"


def main(argv: list[str]) -> int:
    """Put the samples, run the deployment, check its outputs (or, with --env, print them)."""
    if argv[0] == "--env":  # the same settings for a script's own processes
        for key, value in stack_settings(int(argv[1]), int(argv[2])).items():
            print(f"{key}={value}")
        return 0
    settings = stack_settings(int(argv[0]), int(argv[1]))
    deployment = argv[2] if len(argv) > 2 else "archive-ocr-run/registers-nightly"
    s3 = boto3.client(
        "s3",
        endpoint_url=settings["AWS_ENDPOINT_URL"],
        region_name=settings["AWS_DEFAULT_REGION"],
        aws_access_key_id=settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=settings["AWS_SECRET_ACCESS_KEY"],
    )
    stems = put_samples(s3)
    with temporary_settings(updates={PREFECT_API_URL: settings["PREFECT_API_URL"]}):
        state = asyncio.run(final_state(deployment))
    listed = s3.list_objects_v2(Bucket="archive-ocr", Prefix="registers/")
    keys = [item["Key"] for item in listed.get("Contents", [])]
    print(f"final state: {state}")
    print("\n".join(keys))
    written = {key.rsplit("/", 1)[1] for key in keys}
    expected = {f"{stem}.{kind}.xml" for stem in stems for kind in ("page", "alto")}
    missing = sorted(expected - written)
    if missing:
        print(f"missing: {', '.join(missing)}")
    return 0 if state == "COMPLETED" and not missing else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
