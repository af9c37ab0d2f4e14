"""One input of a run: read it, skip it if done, else read every page and store the results.

Plain functions, called by the Prefect flow; every outcome ends as a
:class:`PageRecord`, and no exception about one input escapes to the batch.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from flows.pipeline import PagePipeline
from flows.run.manifest import PageRecord, previous_records, still_done
from flows.run.settings import IMAGE_SUFFIXES, RunSettings
from flows.storage import Storage
from flows.storage.base import ObjectMissingError, StorageError, sha256_hex
from layout.document import Page
from layout.images.errors import ImageLoadError
from layout.images.loading import PageImage, load_pages
from layout.provenance import format_datetime
from layout.xmlio import serialize


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every input of a run shares; plain data, so that it travels to Dask workers."""

    src: Storage
    dst: Storage
    settings: RunSettings
    settings_hash: str
    model_sha256: str

    @property
    def pipeline(self) -> PagePipeline:
        """This process's pipeline for the run's settings (the model loaded once per process)."""
        return self.settings.page_pipeline()


def output_base(key: str, page: PageImage) -> str:
    """``book/0001`` for ``book/0001.tif``; ``book/0001_p2`` for page 2 of a multi-page file."""
    stem = key
    for suffix in IMAGE_SUFFIXES:
        if key.lower().endswith(suffix):
            stem = key[: -len(suffix)]
            break
    return stem if page.page_count == 1 else f"{stem}_p{page.page_index + 1}"


def _now() -> str:
    return format_datetime(datetime.now(UTC))


def failed_record(ctx: RunContext, key: str, page: int, reason: str, sha: str | None) -> PageRecord:
    """The record of a page that failed, with its reason."""
    return PageRecord(key, page, "failed", reason, sha, ctx.settings_hash, ctx.model_sha256,
                      finished=_now())  # fmt: skip


def _read(ctx: RunContext, key: str) -> bytes:
    """The input's bytes, retried on storage errors; ObjectMissingError when it vanished."""
    for attempt in range(ctx.settings.io_retries + 1):
        try:
            return ctx.src.read(key)
        except ObjectMissingError:
            raise
        except StorageError:
            if attempt == ctx.settings.io_retries:
                raise
            time.sleep(min(2.0**attempt, 30.0))
    raise AssertionError("unreachable")


def _with_timeout(ctx: RunContext, page: PageImage, name: str, sha: str) -> Page:
    """Process a page, giving up after the page timeout.

    The page's thread is abandoned; a layout worker process holding the page is
    killed once the limit has passed (:mod:`flows.layout_workers`).
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page")
    try:
        future = pool.submit(ctx.pipeline.process, page, name, sha, ctx.settings.page_timeout_s)
        return future.result(ctx.settings.page_timeout_s)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _store(ctx: RunContext, key: str, sha: str, page: PageImage, doc: Page) -> dict[str, str]:
    outputs = {}
    base = output_base(key, page)
    metadata = {"source-key": key, "source-sha256": sha, "source-page": str(page.page_index + 1)}
    for fmt, suffix in (("page", ".page.xml"), ("alto", ".alto.xml")):
        data = serialize(doc, fmt)  # type: ignore[arg-type]
        ctx.dst.write(base + suffix, data, metadata)
        outputs[base + suffix] = sha256_hex(data)
    return outputs


def _page(ctx: RunContext, key: str, sha: str, page: PageImage) -> PageRecord:
    number = page.page_index + 1
    started = time.perf_counter()
    try:
        doc = _with_timeout(ctx, page, key.rsplit("/", 1)[-1], sha)
    except FutureTimeout:  # TimeoutError itself, which a layout worker's limit raises too
        reason = f"timeout: over {ctx.settings.page_timeout_s:g} s"
        return failed_record(ctx, key, number, reason, sha)
    except Exception as err:
        reason = f"processing error: {type(err).__name__}: {err}"
        return failed_record(ctx, key, number, reason, sha)
    processed = time.perf_counter()
    try:
        outputs = _store(ctx, key, sha, page, doc)
    except StorageError as err:
        return failed_record(ctx, key, number, f"output not written: {err}", sha)
    confidences = [line.confidence for line in doc.lines() if line.confidence is not None]
    return PageRecord(
        key, number, "done", None, sha, ctx.settings_hash, ctx.model_sha256, outputs,
        {"process_s": round(processed - started, 3),
         "store_s": round(time.perf_counter() - processed, 3)},
        sum(1 for _ in doc.lines()),
        sum(confidences) / len(confidences) if confidences else None,
        _now(),
    )  # fmt: skip


def process_input(ctx: RunContext, key: str) -> list[PageRecord]:
    """Every page of one input, as records (already written to DST)."""
    try:
        data = _read(ctx, key)
    except ObjectMissingError:
        records = [failed_record(ctx, key, 1, "vanished: the object was deleted before it was read",
                           None)]  # fmt: skip
        return _save(ctx, records)
    except StorageError as err:
        return _save(ctx, [failed_record(ctx, key, 1, f"unreadable: {err}", None)])
    sha = sha256_hex(data)
    earlier = previous_records(ctx.dst, key)
    if still_done(ctx.dst, earlier, sha, ctx.settings_hash, ctx.model_sha256):
        return [replace(r, status="skipped") for r in earlier]
    records = []
    for record in _page_records(ctx, key, sha, data):
        _save(ctx, [record])
        records.append(record)
    return records


def _page_records(ctx: RunContext, key: str, sha: str, data: bytes) -> Iterator[PageRecord]:
    """One record per page; a page that cannot be loaded ends the file with its reason."""
    pages = load_pages(data, ctx.settings.max_pixels)
    number = 0
    while True:
        number += 1
        try:
            page = next(pages)
        except StopIteration:
            return
        except ImageLoadError as err:
            yield failed_record(ctx, key, number, f"{err.reason}: {err}", sha)
            return
        yield _page(ctx, key, sha, page)


def _save(ctx: RunContext, records: list[PageRecord]) -> list[PageRecord]:
    """Write the records under DST; a record that cannot be written is listed in the manifest."""
    for record in records:
        with contextlib.suppress(StorageError):
            ctx.dst.write(record.record_key, record.to_json())
    return records
