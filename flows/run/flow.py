"""The Prefect flow of a run: list the inputs, process each, account for every page.

One task per input (retried only on storage errors, which :func:`process_input`
already turns into records after its own retries), a log line per page with
its timings, the failure policy checked as pages settle, and at the end the
manifest, the report and a Prefect markdown artifact.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry, ever
# The ephemeral server can take longer than Prefect's 20 s to start on a busy small machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.pipeline import PagePipeline, PipelineSettings
from flows.run.manifest import (
    MANIFEST_KEY,
    REPORT_KEY,
    PageRecord,
    report_markdown,
    summarize,
)
from flows.run.process import RunContext, process_input
from flows.run.settings import IMAGE_SUFFIXES, RunSettings
from flows.storage import Storage, open_storage


def exit_code(summary: dict[str, Any]) -> int:
    """0 when every page is done (or was already), 3 when some failed within the policy."""
    return 3 if summary["failed"] else 0


class FailurePolicyError(RuntimeError):
    """More pages failed than the run's policy allows; the run stopped."""


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


@flow(name="archive-ocr-run", log_prints=True)
def ocr_run(src: str, dst: str, settings: RunSettings) -> dict[str, Any]:
    """OCR every image under SRC into PAGE-XML and ALTO under DST; returns the summary.

    Raises:
        FailurePolicyError: when the failure ratio passed ``max_failure_ratio`` (after
            ``min_pages_for_ratio`` pages); the manifest and report are written first.
    """
    started = time.monotonic()
    src_store, dst_store = open_storage(src), open_storage(dst)
    pipeline = PagePipeline(
        settings.model,
        PipelineSettings(
            settings.preprocess(), settings.predictor(), settings.glyphs, settings.line_images
        ),
    )
    ctx = RunContext(src_store, dst_store, settings, settings.settings_hash(),
                     pipeline.model.sha256 or "", pipeline.process)  # fmt: skip
    records: list[PageRecord] = []
    for key in list_inputs(src_store):
        records += [PageRecord(**r) for r in process_input_task(ctx, key)]
        failed = sum(1 for r in records if r.status == "failed")
        settled = sum(1 for r in records if r.status != "skipped")
        if (
            settled >= settings.min_pages_for_ratio
            and failed / settled > settings.max_failure_ratio
        ):
            _finish(ctx, records, started)
            raise FailurePolicyError(
                f"{failed} of {settled} pages failed, over the allowed "
                f"{settings.max_failure_ratio:.0%}; see {dst_store.url}{REPORT_KEY}"
            )
    return _finish(ctx, records, started)
