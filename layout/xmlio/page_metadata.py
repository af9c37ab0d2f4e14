"""Provenance steps as PAGE ``MetadataItem`` elements, written and read back.

Our steps carry ``Labels externalModel="archive-ocr/provenance"`` with one
``Label`` per fact (software, version, creator, git commit, model, model
sha256, category, settings as JSON). Steps written by other tools (OCR-D's
``ocrd-tool`` parameters, for one) are read as well as their form allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from lxml import etree

from layout.provenance import (
    ModelRef,
    ProcessingCategory,
    ProcessingStep,
    Software,
    format_datetime,
    parse_datetime,
    parse_settings,
)

PROVENANCE_MODEL = "archive-ocr/provenance"


def step_labels(step: ProcessingStep) -> list[tuple[str, str]]:
    """The (type, value) label pairs that describe a step."""
    pairs: list[tuple[str, str | None]] = []
    if step.software is not None:
        pairs += [
            ("software-name", step.software.name),
            ("software-version", step.software.version),
            ("software-creator", step.software.creator),
            ("git-commit", step.software.git_commit),
        ]
    if step.model is not None:
        pairs += [("model-name", step.model.name), ("model-sha256", step.model.sha256)]
    pairs += [("category", step.category), ("settings", step.settings_json())]
    return [(k, v) for k, v in pairs if v is not None]


def write_step(parent: etree._Element, q: Callable[[str], str], step: ProcessingStep) -> None:
    """Append one ``MetadataItem type="processingStep"`` for the step."""
    value = step.software.name if step.software is not None else step.description
    item = etree.SubElement(
        parent, q("MetadataItem"), type="processingStep", name=step.description, value=value
    )
    if step.timestamp is not None:
        item.set("date", format_datetime(step.timestamp))
    labels = etree.SubElement(item, q("Labels"), externalModel=PROVENANCE_MODEL)
    for kind, text in step_labels(step):
        etree.SubElement(labels, q("Label"), type=kind, value=text)


def read_step(item: etree._Element, q: Callable[[str], str]) -> ProcessingStep:
    """Read a ``MetadataItem type="processingStep"``, ours or another tool's."""
    facts: dict[str, str] = {}
    foreign: dict[str, str] = {}
    for labels in item.findall(q("Labels")):
        target = facts if labels.get("externalModel") == PROVENANCE_MODEL else foreign
        for label in labels.findall(q("Label")):
            target[label.get("type") or f"label{len(target)}"] = label.get("value", "")
    software_name = facts.get("software-name") if facts else item.get("value")
    settings = parse_settings(facts["settings"]) if "settings" in facts else dict(foreign)
    model = None
    if "model-name" in facts:
        model = ModelRef(name=facts["model-name"], sha256=facts.get("model-sha256"))
    return ProcessingStep(
        description=item.get("name") or "",
        timestamp=parse_datetime(item.get("date")),
        settings=settings,
        software=Software(
            name=software_name,
            version=facts.get("software-version"),
            creator=facts.get("software-creator"),
            git_commit=facts.get("git-commit"),
        )
        if software_name
        else None,
        model=model,
        category=cast(ProcessingCategory, facts["category"]) if "category" in facts else None,
    )
