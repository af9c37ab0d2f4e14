"""The Prefect flow of a run: list the inputs, process each, account for every page.

One task per input, ``workers`` of them in flight at once (Prefect's thread
pool by default, or any task runner, Dask included); the pages in flight share
one recogniser per process, so their lines are read in common batches. Storage
errors are retried inside :func:`process_input`, which turns every outcome into
page records. A log line per page with its timings, the failure policy checked
as inputs settle (no new input is started once it is broken), and at the end
the manifest, the report and a Prefect markdown artifact.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry, ever
# The ephemeral server can take longer than Prefect's 20 s to start on a busy small machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Its task-run recorder stores one task run at a time by default, about 25 a second on two
# cores: fewer than a rerun of done pages settles, so it fell behind and the history of
# a run was cut short when the temporary server stopped. In batches it keeps up.
os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE", "100")
os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE", "100")
os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL", "1")

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import TaskRunner

from flows.run import progress
from flows.run.manifest import (
    MANIFEST_KEY,
    REPORT_KEY,
    PageRecord,
    report_markdown,
    summarize,
)
from flows.run.process import RunContext, failed_record, process_input
from flows.run.settings import IMAGE_SUFFIXES, RunSettings, load_settings
from flows.run.settle import on_temporary_server, settle_history
from flows.storage import Storage, open_storage
from recognition.weights import file_sha256


def exit_code(summary: dict[str, Any]) -> int:
    """0 when every page is done (or was already), 3 when some failed within the policy."""
    return 3 if summary["failed"] else 0


class FailurePolicyError(RuntimeError):
    """More pages failed than the run's policy allows; the run stopped (``summary`` says where)."""

    def __init__(self, message: str, summary: dict[str, Any]) -> None:
        super().__init__(message)
        self.summary = summary

    def __reduce__(self) -> tuple[type[FailurePolicyError], tuple[str, dict[str, Any]]]:
        return (FailurePolicyError, (str(self), self.summary))


@task(name="list inputs", retries=3, retry_delay_seconds=[1, 5, 20], cache_policy=NO_CACHE)
def list_inputs(src: Storage) -> list[str]:
    """Image keys under SRC, in key order (our own state and outputs are never inputs)."""
    return [
        info.key
        for info in src.list()
        if info.key.lower().endswith(IMAGE_SUFFIXES) and not info.key.startswith(".archive-ocr/")
    ]


@task(name="process input", cache_policy=NO_CACHE)
def process_input_task(ctx: RunContext, key: str) -> list[dict[str, Any]]:
    """Process one input; returns its page records as plain data."""
    logger = get_run_logger()
    records = process_input(ctx, key)
    for record in records:
        logger.info(
            "%s p%d %s%s %s", key, record.page, record.status,
            f" ({record.reason})" if record.reason else "", json.dumps(record.timings),
        )  # fmt: skip
    return [asdict(r) for r in records]


def _finish(ctx: RunContext, records: list[PageRecord], started: float) -> dict[str, Any]:
    records.sort(key=lambda r: (r.input_key, r.page))
    summary = summarize(records, time.monotonic() - started)
    manifest = {
        "source": ctx.src.url,
        "destination": ctx.dst.url,
        "settings": json.loads(ctx.settings.model_dump_json()),
        "settings_hash": ctx.settings_hash,
        "model_sha256": ctx.model_sha256,
        "summary": summary,
        "pages": [asdict(r) for r in records],
    }
    ctx.dst.write(MANIFEST_KEY, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    report = report_markdown(summary, records, ctx.src.url, ctx.dst.url)
    ctx.dst.write(REPORT_KEY, report.encode())
    create_markdown_artifact(report, key="archive-ocr-run-report", description="Run report")
    return summary


def _policy_broken(failed: int, settled: int, settings: RunSettings) -> str | None:
    """Why the run must stop, given the failed and processed (not skipped) pages so far."""
    if settled >= settings.min_pages_for_ratio and failed / settled > settings.max_failure_ratio:
        allowed = settings.max_failure_ratio
        return f"{failed} of {settled} pages failed, over the allowed {allowed:.0%}"
    return None


def _outcome(ctx: RunContext, future: PrefectFuture[Any], key: str) -> list[PageRecord]:
    """The input's records; a task that crashed still accounts for the input."""
    try:
        return [PageRecord(**r) for r in future.result()]
    except Exception as err:  # the task runner lost it (a worker died): record, never drop
        return [failed_record(ctx, key, 1, f"task failed: {type(err).__name__}: {err}", None)]


@flow(name="archive-ocr-run", log_prints=True)
def ocr_run(
    src: str,
    dst: str,
    settings: RunSettings | None = None,
    config: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """OCR every image under SRC into PAGE-XML and ALTO under DST; returns the summary.

    Settings come either as ``settings`` or from the YAML or JSON file ``config``
    with ``overrides`` on top (as deployments pass them: one config shared by
    several deployments, and what one of them changes, such as its ``model``),
    or are all defaults.

    Raises:
        ValueError: when ``settings`` comes with ``config`` or ``overrides``, or the
            file or an override is invalid.
        FailurePolicyError: when the failure ratio passed ``max_failure_ratio`` (after
            ``min_pages_for_ratio`` pages); the inputs in flight finish, the manifest
            and report are written, and no further input is started.
    """
    started = time.monotonic()
    if settings is not None and (config is not None or overrides):
        raise ValueError("give settings, or a config file and overrides, not both")
    settings = settings or load_settings(Path(config) if config else None, overrides or {})
    src_store, dst_store = open_storage(src), open_storage(dst)
    ctx = RunContext(src_store, dst_store, settings, settings.settings_hash(),
                     file_sha256(settings.model))  # fmt: skip
    inputs = list_inputs(src_store)
    progress.started(len(inputs))
    keys = iter(inputs)
    records: list[PageRecord] = []
    in_flight: dict[PrefectFuture[Any], str] = {}
    broken: str | None = None
    failed = processed = 0  # running counts: the policy check stays O(1) per input
    while True:
        while not broken and len(in_flight) < settings.workers:
            key = next(keys, None)
            if key is None:
                break
            in_flight[process_input_task.submit(ctx, key)] = key
        if not in_flight:
            break
        future = next(as_completed(list(in_flight)))
        key = in_flight.pop(future)
        settled = _outcome(ctx, future, key)
        records += settled
        progress.settled(key, settled)
        failed += sum(1 for r in settled if r.status == "failed")
        processed += sum(1 for r in settled if r.status != "skipped")
        broken = broken or _policy_broken(failed, processed, settings)
    summary = _finish(ctx, records, started)
    if broken:
        raise FailurePolicyError(f"{broken}; see {dst_store.url}{REPORT_KEY}", summary)
    return summary


@contextlib.contextmanager
def _server_for_workers(task_runner: TaskRunner[Any] | None) -> Iterator[None]:
    """Hand another task runner's workers this process's temporary server, if it uses one.

    Without ``PREFECT_API_URL``, the workers of another task runner (Dask,
    say) would each start a temporary server of their own and record their
    tasks there.
    """
    if task_runner is None or not on_temporary_server():
        yield
        return
    server = SubprocessASGIServer()  # the one Prefect's client starts here (started once)
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def run_flow(
    src: str, dst: str, settings: RunSettings, task_runner: TaskRunner[Any] | None = None
) -> dict[str, Any]:
    """Run :func:`ocr_run`, on another task runner (Dask, say) when one is given.

    On Prefect's temporary server (no ``PREFECT_API_URL``), it returns, or
    raises :class:`FailurePolicyError`, once that server has recorded every
    task run of the run (waiting a bounded time), so that Prefect's history of
    the run is whole before the process ends and the server with it.
    """
    temporary = on_temporary_server()
    runner = ocr_run if task_runner is None else ocr_run.with_options(task_runner=task_runner)
    with _server_for_workers(task_runner):
        state = runner(src, dst, settings, return_state=True)
        flow_run_id = state.state_details.flow_run_id if temporary else None
        try:
            summary: dict[str, Any] = state.result()
        except FailurePolicyError as err:
            settle_history(flow_run_id, err.summary)
            raise
        settle_history(flow_run_id, summary)
    return summary
