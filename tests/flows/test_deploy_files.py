"""The container, compose and Kubernetes files agree with the code and with each other."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.utilities.templating import apply_values

from flows.deployments import read_deployments

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())  # type: ignore[no-any-return]


def test_dockerfile_copies_what_the_package_needs_and_pins_our_torch() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    copied = re.findall(r"^COPY (\S+)", dockerfile, re.MULTILINE)
    assert {"flows", "layout", "recognition", "deploy"} <= set(copied)
    assert all((ROOT / path).exists() for path in copied)
    pyproject = (ROOT / "pyproject.toml").read_text()
    torch_pin = re.search(r'"(torch==[\d.]+)"', pyproject)
    assert torch_pin and torch_pin.group(1) in dockerfile
    assert {"base-cpu", "base-cuda"} <= set(re.findall(r"AS (\S+)", dockerfile))


@pytest.mark.slow
def test_the_image_installs_the_package_from_what_the_dockerfile_copies(tmp_path: Path) -> None:
    """The image's ``pip install .`` sees only what ``COPY`` put in /app: build from that alone."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    app = tmp_path / "app"
    app.mkdir()
    for line in re.findall(r"^COPY (.+)$", dockerfile, re.MULTILINE):
        *sources, dest = line.split()
        for source in sources:
            path = ROOT / source
            target = app / dest / path.name if dest.endswith("/") else app / dest
            if path.is_dir():
                shutil.copytree(path, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(path, target)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(tmp_path / "wheel"), str(app)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("archive_ocr-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {str(p.relative_to(ROOT)) for package in ("flows", "layout", "recognition")
               for pattern in ("*.safetensors", "*.lm.json*")
               for p in (ROOT / package / "models").glob(pattern)}  # fmt: skip
    assert {"recognition/models/latin-base.lm.json.gz"} < shipped <= names  # models travel too
    assert {"flows/samples/grimm-1857-001.jpg", "flows/cli.py"} <= names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_compose_workers_serve_the_pools_that_the_deployments_name() -> None:
    services = compose()["services"]
    assert {"postgres", "prefect-server", "s3", "setup", "worker-cpu", "worker-gpu"} <= set(
        services
    )
    pools = {s.work_pool for s in read_deployments(DEPLOY / "prefect.yaml")}
    served = {e[e.index("--pool") + 1] for s in services.values()
              if "--pool" in (e := s.get("entrypoint") or [])}  # fmt: skip
    setup = services["setup"]["command"][0]
    deployed = set(re.findall(r"-n (\S+)", setup))
    used = {s.work_pool for s in read_deployments(DEPLOY / "prefect.yaml", sorted(deployed))}
    assert used <= served <= pools
    assert all(f"create {pool}" in setup for pool in served)
    for name in ("worker-cpu", "worker-gpu", "setup"):
        env = services[name]["environment"]
        assert env["PREFECT_API_URL"] == "http://prefect-server:4200/api"
        assert env["AWS_ENDPOINT_URL"].startswith("http://s3:")
    devices = services["worker-gpu"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]
    database = services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert database.startswith("postgresql+asyncpg://")


def test_kubernetes_job_template_renders_a_job_with_its_defaults() -> None:
    template = json.loads((DEPLOY / "kubernetes" / "base-job-template.json").read_text())
    properties = template["variables"]["properties"]
    values = {k: v["default"] for k, v in properties.items() if "default" in v}
    values["command"] = "prefect flow-run execute"
    rendered = apply_values(template["job_configuration"], values)
    placeholders = re.findall(r"\{\{ *(\w+) *\}\}", json.dumps(template["job_configuration"]))
    assert set(placeholders) <= set(properties)  # every placeholder is a variable
    job = rendered["job_manifest"]
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith("archive-ocr:cuda")
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert container["envFrom"][0]["secretRef"]["name"] == "archive-ocr-s3"
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
