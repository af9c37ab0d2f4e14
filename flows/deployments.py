"""Deployments of the run flow, read from ``deploy/prefect.yaml``.

One file describes every scheduled run (name, cron schedules, work pool,
parameters ``src``, ``dst``, ``config`` and optional ``overrides``); two commands
use it:

- ``archive-ocr deploy`` registers the deployments with a Prefect server, for
  workers of their work pools to run, as ``prefect deploy --prefect-file
  deploy/prefect.yaml`` does, but with the project home found from the file
  (no ``ARCHIVE_OCR_HOME`` to set) and overrides of pool, schedule and
  parameters for trials;
- ``archive-ocr serve`` runs them on one machine, with Prefect's server started
  beside it when no ``PREFECT_API_URL`` is set (:mod:`flows.serve`).

Relative ``config`` paths are relative to the project home (the folder that
holds ``deploy/``): the deployment's pull step changes into it before the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import yaml
from prefect import Flow
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.run.flow import ocr_run

DEFAULT_FILE = Path("deploy/prefect.yaml")


class DeploymentFileError(ValueError):
    """The deployments file is missing, malformed, or names no such deployment."""


@dataclass(frozen=True, slots=True)
class CronSpec:
    """One cron schedule of a deployment."""

    cron: str
    timezone: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class DeploymentSpec:
    """One deployment of ``deploy/prefect.yaml``."""

    name: str
    entrypoint: str
    work_pool: str | None
    parameters: dict[str, Any] = field(default_factory=dict)
    schedules: tuple[CronSpec, ...] = ()
    description: str | None = None
    tags: tuple[str, ...] = ()
    job_variables: dict[str, Any] = field(default_factory=dict)
    concurrency_limit: int | None = None

    def overridden(
        self, pool: str | None = None, cron: str | None = None, params: dict[str, Any] | None = None
    ) -> DeploymentSpec:
        """This deployment with another pool, one cron schedule instead of its own, more params."""
        return replace(
            self,
            work_pool=pool or self.work_pool,
            schedules=(CronSpec(cron),) if cron else self.schedules,
            parameters={**self.parameters, **(params or {})},
        )


def _spec(entry: dict[str, Any]) -> DeploymentSpec:
    pool = entry.get("work_pool") or {}
    schedules = tuple(
        CronSpec(str(s["cron"]), s.get("timezone"), bool(s.get("active", True)))
        for s in entry.get("schedules") or []
        if "cron" in s
    )
    return DeploymentSpec(
        name=str(entry["name"]),
        entrypoint=str(entry.get("entrypoint", "flows/run/flow.py:ocr_run")),
        work_pool=pool.get("name"),
        parameters=dict(entry.get("parameters") or {}),
        schedules=schedules,
        description=entry.get("description"),
        tags=tuple(entry.get("tags") or ()),
        job_variables=dict(pool.get("job_variables") or {}),
        concurrency_limit=entry.get("concurrency_limit"),
    )


def read_deployments(path: Path, names: list[str] | None = None) -> list[DeploymentSpec]:
    """The deployments in ``path`` (all, or those named), in file order."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise DeploymentFileError(f"cannot read {path}: {err}") from err
    entries = document.get("deployments") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise DeploymentFileError(f"{path} has no list of deployments")
    try:
        specs = [_spec(entry) for entry in entries]
    except (KeyError, TypeError, ValueError) as err:
        raise DeploymentFileError(f"{path}: malformed deployment: {err}") from err
    if names:
        unknown = sorted(set(names) - {s.name for s in specs})
        if unknown:
            raise DeploymentFileError(f"{path} has no deployment named {', '.join(unknown)}")
        specs = [s for s in specs if s.name in names]
    return specs


def project_home(path: Path) -> Path:
    """The folder that holds ``deploy/`` (the checkout, or /app in the image)."""
    resolved = path.resolve()
    return resolved.parent.parent if resolved.parent.name == "deploy" else resolved.parent


def _arguments(spec: DeploymentSpec) -> dict[str, Any]:
    """What ``Flow.to_deployment`` takes from the spec, schedules included."""
    return {
        "name": spec.name,
        "parameters": spec.parameters,
        "description": spec.description,
        "tags": list(spec.tags),
        "concurrency_limit": spec.concurrency_limit,
        "schedules": [Cron(s.cron, timezone=s.timezone, active=s.active) for s in spec.schedules],
    }


def apply_deployments(specs: list[DeploymentSpec], home: Path) -> list[str]:
    """Register the deployments with the Prefect API; their ids.

    Runs start in ``home`` (a pull step), where the entrypoint and config live.
    """
    ids = []
    for spec in specs:
        if not spec.work_pool:
            raise DeploymentFileError(f"deployment {spec.name!r} names no work pool")
        flow = cast(
            "Flow[..., Any]", ocr_run.from_source(source=str(home), entrypoint=spec.entrypoint)
        )
        deployment = cast(
            RunnerDeployment,
            flow.to_deployment(
                **_arguments(spec), work_pool_name=spec.work_pool, job_variables=spec.job_variables
            ),
        )
        ids.append(str(deployment.apply()))
    return ids


def served_deployments(specs: list[DeploymentSpec]) -> list[RunnerDeployment]:
    """Runner deployments of the flow in this process, for :func:`prefect.serve`."""
    return [cast(RunnerDeployment, ocr_run.to_deployment(**_arguments(spec))) for spec in specs]
