"""Provenance records: which software, model and settings produced a page.

One data structure feeds both XML forms: ALTO writes each step as a
``Description/Processing`` element, PAGE as a ``MetadataItem`` of type
``processingStep`` whose ``Labels`` carry the same facts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ProcessingCategory = Literal[
    "contentGeneration", "contentModification", "preOperation", "postOperation", "other"
]


@dataclass(slots=True)
class Software:
    """The program that ran a step."""

    name: str
    version: str | None = None
    creator: str | None = None
    git_commit: str | None = None


@dataclass(slots=True)
class ModelRef:
    """A model that a step used, named and pinned by the sha256 of its weights."""

    name: str
    sha256: str | None = None


@dataclass(slots=True)
class ProcessingStep:
    """One processing step applied to a page."""

    description: str
    timestamp: datetime | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    software: Software | None = None
    model: ModelRef | None = None
    category: ProcessingCategory | None = None

    def settings_json(self) -> str:
        """The settings as canonical JSON (sorted keys, no spaces to spare)."""
        return json.dumps(self.settings, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class PageMetadata:
    """Page-level provenance: the source scan, the document's dates and its steps."""

    source_sha256: str | None = None
    creator: str | None = None
    created: datetime | None = None
    last_change: datetime | None = None
    steps: list[ProcessingStep] = field(default_factory=list)


def parse_settings(text: str | None) -> dict[str, Any]:
    """Read a settings string back; non-JSON text is kept under the key ``raw``."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {"raw": text}
    return value if isinstance(value, dict) else {"raw": value}


def format_datetime(value: datetime) -> str:
    """ISO 8601 to the second, with the offset when the time is aware."""
    return value.replace(microsecond=0).isoformat()


def parse_datetime(text: str | None) -> datetime | None:
    """Parse an xsd:dateTime; None for missing or unreadable values."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None
