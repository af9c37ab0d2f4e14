"""Let Prefect's temporary server record a run in full before the command exits.

Without ``PREFECT_API_URL``, Prefect starts a temporary server for the run and
stops it when the process exits. Task runs reach its database through an event
queue that lags behind the run; stopping the server with events still queued
logs tracebacks after a run that went well and leaves the run's history (what
``prefect server start`` later shows from the same database) short of pages.
:func:`~flows.run.flow.run_flow` (``archive-ocr run``, ``bench run``)
therefore waits, for a bounded time, until the server holds every task run of
the flow run in a final state.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL

FINAL_STATES = ("COMPLETED", "FAILED", "CANCELLED", "CRASHED")


def on_temporary_server() -> bool:
    """Whether flows run against a server that this process starts and stops."""
    return not PREFECT_API_URL.value()


def task_runs_of(summary: dict[str, Any]) -> int:
    """The task runs a run made: the listing and one per input it started."""
    return int(summary["inputs"]) + 1


def recorded_task_runs(flow_run_id: UUID) -> int:
    """How many task runs of the flow run the server holds in a final state."""
    query = {
        "flow_runs": {"id": {"any_": [str(flow_run_id)]}},
        "task_runs": {"state": {"type": {"any_": list(FINAL_STATES)}}},
    }
    with get_client(sync_client=True) as client:
        response = client.request("POST", "/task_runs/count", json=query)
        response.raise_for_status()
        return int(response.json())


def wait_until_recorded(
    flow_run_id: UUID, expected: int, timeout_s: float = 60.0, poll_s: float = 0.2
) -> bool:
    """Wait until ``expected`` task runs of the flow run are recorded; False on timeout."""
    deadline = time.monotonic() + timeout_s
    while recorded_task_runs(flow_run_id) < expected:
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_s)
    return True


def settle_history(flow_run_id: UUID | None, summary: dict[str, Any]) -> None:
    """Wait until the server has recorded the whole run; a warning when it did not in time."""
    if flow_run_id is None or wait_until_recorded(flow_run_id, task_runs_of(summary)):
        return
    logging.getLogger(__name__).warning(
        "Prefect's temporary server had not recorded every task run in time; its history "
        "of this run is short (the manifest is complete)"
    )
