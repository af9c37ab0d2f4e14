"""One recogniser serving many page workers: lines of several pages read in one batch.

Page workers (threads) cut their lines and call :meth:`SharedReader.predict`,
which scales them to the model's height in the caller's thread (OpenCV lets
go of the GIL, so callers do it side by side, not the one reader thread);
a single reader thread owns the model, takes every request waiting in its
queue (up to ``max_lines`` lines), waits a moment for more while fewer
requests than workers are queued, and runs them as one call of the
:class:`~recognition.predictor.Predictor`, which groups the lines by width.
So a GPU sees batches that span pages, while each caller still gets exactly
its own lines back, in order.

:attr:`SharedReader.stats` tells how busy the model was: the share of the
time since the first request that it spent recognising (``busy_ratio``), and
the mean number of lines per call.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from recognition.decoding import Recognized
from recognition.predictor import Predictor, PreparedLine


@dataclass(slots=True)
class _Request:
    lines: Sequence[PreparedLine]
    future: Future[list[Recognized]] = field(default_factory=Future)


@dataclass(slots=True)
class ReaderStats:
    """What the reader thread did so far."""

    calls: int = 0
    lines: int = 0
    pages: int = 0
    busy_s: float = 0.0
    first_request: float | None = None
    last_done: float | None = None

    def summary(self) -> dict[str, float | int | None]:
        """JSON-ready figures: calls, lines, mean lines and pages per call, busy ratio."""
        span = (
            (self.last_done - self.first_request)
            if self.first_request is not None and self.last_done is not None
            else 0.0
        )
        return {
            "calls": self.calls,
            "lines": self.lines,
            "lines_per_call": round(self.lines / self.calls, 2) if self.calls else None,
            "pages_per_call": round(self.pages / self.calls, 2) if self.calls else None,
            "busy_s": round(self.busy_s, 3),
            "busy_ratio": round(self.busy_s / span, 4) if span > 0 else None,
        }


class SharedReader:
    """A thread-safe front of one :class:`Predictor` that batches across callers.

    Args:
        predictor: the loaded recogniser; only the reader thread calls it.
        workers: how many callers may be waiting at once; with one, nothing waits.
        max_lines: most lines taken into one call of the predictor.
        max_wait_s: how long to wait for more callers once a request is queued.
    """

    def __init__(
        self,
        predictor: Predictor,
        workers: int = 1,
        max_lines: int = 512,
        max_wait_s: float = 0.05,
    ) -> None:
        self.predictor = predictor
        self.workers = max(1, workers)
        self.max_lines = max_lines
        self.max_wait_s = max_wait_s
        self.stats = ReaderStats()
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="recogniser", daemon=True)
        self._thread.start()

    def predict(self, lines: Sequence[np.ndarray]) -> list[Recognized]:
        """Recognise the caller's lines (blocking), batched with other callers' lines."""
        if not lines:
            return []
        if not self._thread.is_alive():
            raise RuntimeError("the recogniser thread has stopped")
        request = _Request(self.predictor.prepare(lines))  # scaled here: callers in parallel
        with self._lock:
            if self.stats.first_request is None:
                self.stats.first_request = time.perf_counter()
        self._queue.put(request)
        return request.future.result()

    def close(self) -> None:
        """Stop the reader thread once the queued requests are served."""
        self._queue.put(None)
        self._thread.join()

    def _gather(self, first: _Request) -> tuple[list[_Request], bool]:
        """The first request plus what else is queued or arrives soon; True when told to stop."""
        taken = [first]
        count = len(first.lines)
        deadline = time.perf_counter() + self.max_wait_s
        while count < self.max_lines:
            try:
                request = self._queue.get_nowait()
            except queue.Empty:
                left = deadline - time.perf_counter()
                if len(taken) >= self.workers or left <= 0:
                    break
                try:
                    request = self._queue.get(timeout=left)
                except queue.Empty:
                    break
            if request is None:
                return taken, True
            taken.append(request)
            count += len(request.lines)
        return taken, False

    def _serve(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                return
            taken, stop = self._gather(first)
            self._run(taken)

    def _run(self, taken: list[_Request]) -> None:
        lines = [line for request in taken for line in request.lines]
        started = time.perf_counter()
        try:
            results = self.predictor.predict_prepared(lines)
        except Exception as err:  # every caller learns of it; the thread goes on
            for request in taken:
                request.future.set_exception(err)
            return
        finally:
            done = time.perf_counter()
            with self._lock:
                self.stats.busy_s += done - started
                self.stats.last_done = done
        with self._lock:
            self.stats.calls += 1
            self.stats.lines += len(lines)
            self.stats.pages += len(taken)
        start = 0
        for request in taken:
            request.future.set_result(results[start : start + len(request.lines)])
            start += len(request.lines)
