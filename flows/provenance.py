"""Provenance records for the steps this program runs: who, what version, which commit."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from layout.provenance import ModelRef, ProcessingCategory, ProcessingStep, Software

SOFTWARE_NAME = "archive-ocr"
SOFTWARE_CREATOR = "archive-ocr developers"


@cache
def software() -> Software:
    """This program, with its installed version and, in a git checkout, its commit."""
    try:
        installed = version(SOFTWARE_NAME)
    except PackageNotFoundError:
        installed = None
    return Software(
        name=SOFTWARE_NAME, version=installed, creator=SOFTWARE_CREATOR, git_commit=git_commit()
    )


def git_commit() -> str | None:
    """The commit of the source tree this module runs from, or None outside git."""
    here = Path(__file__).resolve().parent
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def step(
    description: str,
    settings: dict[str, Any] | None = None,
    model: ModelRef | None = None,
    category: ProcessingCategory | None = None,
) -> ProcessingStep:
    """A processing step by this program, stamped now (UTC)."""
    return ProcessingStep(
        description=description,
        timestamp=datetime.now(UTC),
        settings=dict(settings or {}),
        software=software(),
        model=model,
        category=category,
    )
