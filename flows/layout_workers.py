"""Pages laid out in worker processes, so that the CPU stages scale past the GIL.

Page threads of one process share the GIL, and preprocessing, segmentation
and line cutting hold it for much of their time: on two cores, two page
threads managed 0.87 pages/s where two processes managed 1.04. A
:class:`LayoutPool` runs :func:`~flows.page_layout.lay_out` in worker
processes, each set up once with its own segmenter and (for the upright
check) its own recogniser; the line images come back to this process, whose
one recogniser reads the lines of all pages in shared batches. That is the
shape a GPU wants: many CPU processes feeding one model.

Workers are spawned, not forked: this process runs threads (the recogniser's,
Prefect's), which a fork does not copy safely. A worker that dies (killed,
out of memory) breaks the whole pool; the pool is then replaced and the pages
it held are tried once more on the new one, so only a page that takes a
second pool down with it fails, with a reason.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from flows.page_layout import LaidOut, lay_out
from flows.segmentation import Segmenter, SegmenterSettings
from flows.upright import recogniser_scorer
from layout.images.loading import PageImage
from layout.images.preprocess import PreprocessSettings
from recognition.batching import SharedReader
from recognition.predictor import Predictor, PredictorSettings
from recognition.weights import LineCut, load_model

ATTEMPTS = 2
"""Pools a page may go through: one more after a worker died while holding it."""


def may_start_workers() -> bool:
    """False in a daemonic process (a Dask worker, say), which may not start processes."""
    return not multiprocessing.current_process().daemon


class LayoutWorkerError(RuntimeError):
    """The page's layout worker process died on every attempt."""


@dataclass(frozen=True, slots=True)
class LayoutJob:
    """What each worker process sets itself up from (plain data: it is pickled to them)."""

    preprocess: PreprocessSettings
    segmenter: SegmenterSettings
    line_images: LineCut
    upright_model: Path | None
    """The recogniser that settles a doubtful orientation; None: the ink cue alone decides."""
    predictor: PredictorSettings


@dataclass(frozen=True, slots=True)
class _Stage:
    preprocess: PreprocessSettings
    segmenter: Segmenter
    line_images: LineCut


_WORKER: dict[str, _Stage] = {}
"""This worker process's stage, set up once by :func:`_start`."""


def _start(job: LayoutJob) -> None:
    """Set up a worker process: one thread for torch (the processes are the parallelism)."""
    torch.set_num_threads(1)
    scorer = None
    if job.upright_model is not None:
        loaded = load_model(job.upright_model, job.predictor.device)
        predictor = Predictor(loaded, replace(job.predictor, threads=1))
        scorer = recogniser_scorer(SharedReader(predictor))
    preprocess = replace(job.preprocess, upright_scorer=scorer)
    _WORKER["stage"] = _Stage(preprocess, Segmenter(job.segmenter), job.line_images)


def _ready() -> bool:
    """Run in a worker: True once it is set up."""
    return "stage" in _WORKER


def _lay_out(page: PageImage) -> LaidOut:
    """Run in a worker: the page's stages before recognition."""
    stage = _WORKER["stage"]
    return lay_out(page, stage.preprocess, stage.segmenter, stage.line_images)


class LayoutPool:
    """``processes`` worker processes that lay pages out; :meth:`lay_out` from any thread."""

    def __init__(self, job: LayoutJob, processes: int) -> None:
        self.job = job
        self.processes = processes
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        try:
            self._pool.submit(_ready).result()
        except BrokenProcessPool as err:
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError(
                f"the layout worker processes could not start ({err}); a script that sets "
                "layout_processes must start its work under `if __name__ == '__main__':`, "
                "as Python's spawned processes import the script again"
            ) from err

    def _new_pool(self) -> ProcessPoolExecutor:
        spawn = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(self.processes, mp_context=spawn, initializer=_start,
                                   initargs=(self.job,))  # fmt: skip

    def _submit(self, page: PageImage) -> tuple[ProcessPoolExecutor, Future[LaidOut] | None]:
        with self._lock:
            pool = self._pool
            try:
                return pool, pool.submit(_lay_out, page)
            except BrokenProcessPool:
                return pool, None

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A fresh pool in place of ``broken`` (once, however many threads saw it break)."""
        with self._lock:
            if self._pool is broken:
                self._pool = self._new_pool()
        broken.shutdown(wait=False, cancel_futures=True)

    def lay_out(self, page: PageImage) -> LaidOut:
        """The page laid out by a worker process.

        Raises:
            LayoutWorkerError: a worker died while holding the page, on every attempt.
            Exception: whatever the stages raised for this page (it fails alone).
        """
        reason = "the pool was broken"
        for _ in range(ATTEMPTS):
            pool, future = self._submit(page)
            try:
                if future is not None:
                    return future.result()
            except BrokenProcessPool as err:
                reason = str(err)
            self._replace(pool)
        raise LayoutWorkerError(
            f"a layout worker process died while it held this page, on each of {ATTEMPTS} "
            f"tries (killed, or out of memory?): {reason}"
        )

    def close(self) -> None:
        """Stop the worker processes once the pages they hold are done."""
        with self._lock:
            self._pool.shutdown(wait=True, cancel_futures=True)
