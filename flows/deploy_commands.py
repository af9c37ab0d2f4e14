"""``archive-ocr deploy`` and ``archive-ocr serve``: the scheduled runs of deploy/prefect.yaml.

Prefect is imported when the commands run, not when the CLI starts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

PrefectFile = Annotated[Path, typer.Option("--prefect-file", help="The deployments file.")]
Names = Annotated[
    list[str] | None, typer.Option("--name", "-n", help="Only these deployments (repeatable).")
]
CronOverride = Annotated[
    str | None, typer.Option(help="One cron schedule instead of the file's (e.g. for a trial).")
]
Params = Annotated[
    list[str] | None,
    typer.Option("--param", help="KEY=VALUE parameter override (VALUE as JSON or text)."),
]


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``["src=s3://b/in", "settings={...}"]`` to a dict; values parsed as JSON when they are."""
    params: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{item!r}: expected KEY=VALUE", param_hint="--param")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def _specs(prefect_file: Path, names: list[str] | None, pool: str | None, cron: str | None,
           params: list[str] | None) -> list[Any]:  # fmt: skip
    from flows.deployments import DeploymentFileError, read_deployments  # noqa: PLC0415

    overrides = parse_params(params)
    try:
        specs = read_deployments(prefect_file, names)
    except DeploymentFileError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    return [s.overridden(pool=pool, cron=cron, params=overrides) for s in specs]


def deploy_command(
    *,
    prefect_file: PrefectFile = Path("deploy/prefect.yaml"),
    name: Names = None,
    pool: Annotated[str | None, typer.Option(help="Another work pool for all of them.")] = None,
    cron: CronOverride = None,
    param: Params = None,
) -> None:
    """Register the deployments of PREFECT_FILE with the Prefect server (PREFECT_API_URL).

    Workers of each deployment's work pool then run it on its schedule:
    ``prefect worker start --pool archive-ocr-cpu``.
    """
    from flows.deployments import DeploymentFileError, apply_deployments, project_home  # noqa: PLC0415

    specs = _specs(prefect_file, name, pool, cron, param)
    try:
        ids = apply_deployments(specs, project_home(prefect_file))
    except DeploymentFileError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    for spec, deployment_id in zip(specs, ids, strict=True):
        crons = ", ".join(s.cron for s in spec.schedules) or "no schedule"
        typer.echo(
            f"archive-ocr-run/{spec.name} ({crons}) on pool {spec.work_pool}: {deployment_id}"
        )


def serve_command(
    *,
    prefect_file: PrefectFile = Path("deploy/prefect.yaml"),
    name: Names = None,
    cron: CronOverride = None,
    param: Params = None,
    port: Annotated[int, typer.Option(help="Port of the Prefect server started here.")] = 4200,
    limit: Annotated[int | None, typer.Option(help="Most runs at once.")] = None,
) -> None:
    """Run the scheduled deployments of PREFECT_FILE on this machine until interrupted.

    Without PREFECT_API_URL, Prefect's server (UI at http://127.0.0.1:PORT) is
    started here too, its database under PREFECT_HOME (~/.prefect).
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings  # noqa: PLC0415

    from flows.deployments import project_home  # noqa: PLC0415
    from flows.serve import local_server, serve_specs  # noqa: PLC0415

    specs = _specs(prefect_file, name, None, cron, param)
    home = project_home(prefect_file)
    if os.environ.get("PREFECT_API_URL"):
        serve_specs(specs, home, limit)
        return
    log = Path(str(PREFECT_HOME.value())) / "archive-ocr-server.log"
    with local_server(port, log) as api_url:
        typer.echo(f"Prefect server: {api_url.removesuffix('/api')} (log: {log})")
        os.environ["PREFECT_API_URL"] = api_url  # for the runs' subprocesses
        with temporary_settings({PREFECT_API_URL: api_url}):
            serve_specs(specs, home, limit)
