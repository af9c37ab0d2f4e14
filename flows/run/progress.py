"""Progress of a run for whoever watches it: the CLI's bar, or nothing.

The flow announces how many inputs it found and each input as it settles;
listeners are registered for the duration of a ``with watching(listener)``
block in the same process (the CLI's progress bar). Flows started by a worker
or a deployment have no listener and report through their logs and the
Prefect UI only.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Protocol

from tqdm import tqdm

from flows.run.manifest import PageRecord


class Listener(Protocol):
    """Told of a run's inputs as they are found and settle."""

    def started(self, inputs: int) -> None:
        """The run found this many inputs."""

    def settled(self, key: str, records: list[PageRecord]) -> None:
        """One input is finished: its page records."""


_LISTENERS: list[Listener] = []


@contextlib.contextmanager
def watching(listener: Listener) -> Iterator[Listener]:
    """Register ``listener`` for the runs started inside the block."""
    _LISTENERS.append(listener)
    try:
        yield listener
    finally:
        _LISTENERS.remove(listener)


def started(inputs: int) -> None:
    """Tell every listener how many inputs the run found."""
    for listener in _LISTENERS:
        listener.started(inputs)


def settled(key: str, records: list[PageRecord]) -> None:
    """Tell every listener that an input is finished."""
    for listener in _LISTENERS:
        listener.settled(key, records)


class ProgressBar:
    """A terminal progress bar over inputs, with pages done and failed so far."""

    def __init__(self) -> None:
        self.counts = {"done": 0, "skipped": 0, "failed": 0}
        self._bar: tqdm[None] | None = None

    def started(self, inputs: int) -> None:
        """Show the bar with its total."""
        self._bar = tqdm(total=inputs, unit="input", desc="OCR", file=sys.stderr, leave=True)

    def settled(self, key: str, records: list[PageRecord]) -> None:
        """Advance by one input and count its pages."""
        for record in records:
            self.counts[record.status] = self.counts.get(record.status, 0) + 1
        if self._bar is not None:
            self._bar.set_postfix_str(
                f"pages {self.counts['done']} done, {self.counts['skipped']} already done, "
                f"{self.counts['failed']} failed",
                refresh=False,
            )
            self._bar.update(1)

    def close(self) -> None:
        """Leave the finished bar on the terminal."""
        if self._bar is not None:
            self._bar.close()
