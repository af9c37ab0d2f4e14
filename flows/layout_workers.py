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
second pool down with it fails, with a reason. A page over its time limit
has its pool's workers killed (a page thread cannot be stopped, a process
can), so a runaway page stops burning a core; the other pages it held are
tried again on a fresh pool.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing.process import BaseProcess
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


def _processes_of(executor: ProcessPoolExecutor) -> list[BaseProcess]:
    """The executor's worker processes, from its own table.

    Python 3.14 offers ``kill_workers``; before, the table is the one record
    without a race: workers start on demand, and a list kept on the side
    could miss the newest.
    """
    table: dict[int, BaseProcess] = getattr(executor, "_processes", None) or {}
    return list(table.values())


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    """SIGKILL to the pool's running workers (none are reused afterwards)."""
    for process in _processes_of(executor):
        if process.is_alive():
            process.kill()


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
        self._workers = self._new_workers()
        try:
            self._workers.submit(_ready).result()
        except BrokenProcessPool as err:
            self._workers.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError(
                f"the layout worker processes could not start ({err}); a script that sets "
                "layout_processes must start its work under `if __name__ == '__main__':`, "
                "as Python's spawned processes import the script again"
            ) from err

    def _new_workers(self) -> ProcessPoolExecutor:
        spawn = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(self.processes, mp_context=spawn, initializer=_start,
                                   initargs=(self.job,))  # fmt: skip

    def _submit(self, page: PageImage) -> tuple[ProcessPoolExecutor, Future[LaidOut] | None]:
        with self._lock:
            workers = self._workers
            try:
                return workers, workers.submit(_lay_out, page)
            except BrokenProcessPool:
                return workers, None

    def _replace(self, old: ProcessPoolExecutor, kill: bool = False) -> None:
        """Fresh workers in place of ``old`` (once, however many threads saw it break)."""
        with self._lock:
            if self._workers is old:
                self._workers = self._new_workers()
        if kill:
            _kill_workers(old)
        old.shutdown(wait=False, cancel_futures=True)

    def lay_out(self, page: PageImage, timeout_s: float | None = None) -> LaidOut:
        """The page laid out by a worker process, within ``timeout_s`` seconds per try.

        Raises:
            TimeoutError: the page took longer; the workers of its pool were killed.
            LayoutWorkerError: a worker died while holding the page, on every attempt.
            Exception: whatever the stages raised for this page (it fails alone).
        """
        reason = "the pool was broken"
        for _ in range(ATTEMPTS):
            workers, future = self._submit(page)
            try:
                if future is not None:
                    return future.result(timeout_s)
            except BrokenProcessPool as err:
                reason = str(err)
            except FutureTimeout:
                self._replace(workers, kill=True)
                raise
            self._replace(workers)
        raise LayoutWorkerError(
            f"a layout worker process died while it held this page, on each of {ATTEMPTS} "
            f"tries (killed, or out of memory?): {reason}"
        )

    def workers(self) -> list[BaseProcess]:
        """The current pool's worker processes (started on demand), for checks and reports."""
        with self._lock:
            return _processes_of(self._workers)

    def close(self) -> None:
        """Stop the worker processes once the pages they hold are done."""
        with self._lock:
            self._workers.shutdown(wait=True, cancel_futures=True)
