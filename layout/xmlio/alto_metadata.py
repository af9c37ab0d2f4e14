"""ALTO ``Description``: source image, checksum and one ``Processing`` per step.

A step is written as: ``processingCategory``, ``processingDateTime``, the
description as the first ``processingStepDescription`` followed by
``model: NAME`` and ``model-sha256: HEX`` lines when a model was used, the
settings as JSON in ``processingStepSettings``, and ``processingSoftware`` with
creator, name, version and ``git-commit: SHA`` as ``applicationDescription``.
Older ``OCRProcessing`` blocks (Tesseract, ABBYY) are read too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from lxml import etree

from layout.provenance import (
    ModelRef,
    PageMetadata,
    ProcessingCategory,
    ProcessingStep,
    Software,
    format_datetime,
    parse_datetime,
    parse_settings,
)

Q = Callable[[str], str]
_MODEL = "model: "
_MODEL_SHA = "model-sha256: "
_GIT = "git-commit: "


def _text(parent: etree._Element, q: Q, tag: str, value: str | None) -> None:
    if value is not None:
        etree.SubElement(parent, q(tag)).text = value


def write_description(
    alto: etree._Element, q: Q, image_filename: str, meta: PageMetadata, ids: Callable[[], str]
) -> None:
    """Append the ``Description`` element; ``ids`` hands out Processing IDs."""
    desc = etree.SubElement(alto, q("Description"))
    etree.SubElement(desc, q("MeasurementUnit")).text = "pixel"
    source = etree.SubElement(desc, q("sourceImageInformation"))
    _text(source, q, "fileName", image_filename)
    if meta.source_sha256:
        ident = etree.SubElement(source, q("fileIdentifier"), fileIdentifierLocation="sha256")
        ident.text = meta.source_sha256
    for step in meta.steps:
        proc = etree.SubElement(desc, q("Processing"), ID=ids())
        _text(proc, q, "processingCategory", step.category)
        if step.timestamp is not None:
            _text(proc, q, "processingDateTime", format_datetime(step.timestamp))
        _text(proc, q, "processingStepDescription", step.description)
        if step.model is not None:
            _text(proc, q, "processingStepDescription", _MODEL + step.model.name)
            if step.model.sha256:
                _text(proc, q, "processingStepDescription", _MODEL_SHA + step.model.sha256)
        _text(proc, q, "processingStepSettings", step.settings_json())
        if step.software is not None:
            soft = etree.SubElement(proc, q("processingSoftware"))
            _text(soft, q, "softwareCreator", step.software.creator)
            _text(soft, q, "softwareName", step.software.name)
            _text(soft, q, "softwareVersion", step.software.version)
            if step.software.git_commit:
                _text(soft, q, "applicationDescription", _GIT + step.software.git_commit)


def _read_step(proc: etree._Element, q: Q) -> ProcessingStep:
    descriptions = [d.text or "" for d in proc.findall(q("processingStepDescription"))]
    plain = [d for d in descriptions if not d.startswith((_MODEL, _MODEL_SHA))]
    model_name = next((d[len(_MODEL) :] for d in descriptions if d.startswith(_MODEL)), None)
    model_sha = next((d[len(_MODEL_SHA) :] for d in descriptions if d.startswith(_MODEL_SHA)), None)
    soft = proc.find(q("processingSoftware"))
    software = None
    if soft is not None:
        app = soft.findtext(q("applicationDescription")) or ""
        software = Software(
            name=soft.findtext(q("softwareName")) or "",
            version=soft.findtext(q("softwareVersion")),
            creator=soft.findtext(q("softwareCreator")),
            git_commit=app[len(_GIT) :] if app.startswith(_GIT) else None,
        )
    category = proc.findtext(q("processingCategory"))
    return ProcessingStep(
        description="\n".join(plain),
        timestamp=parse_datetime(proc.findtext(q("processingDateTime"))),
        settings=parse_settings(proc.findtext(q("processingStepSettings"))),
        software=software,
        model=ModelRef(model_name, model_sha) if model_name is not None else None,
        category=cast(ProcessingCategory, category) if category else None,
    )


def read_description(alto: etree._Element, q: Q) -> tuple[str, PageMetadata]:
    """The source image file name and the page metadata from ``Description``."""
    desc = alto.find(q("Description"))
    meta = PageMetadata()
    if desc is None:
        return "", meta
    source = desc.find(q("sourceImageInformation"))
    filename = ""
    if source is not None:
        filename = (source.findtext(q("fileName")) or "").strip()
        for ident in source.findall(q("fileIdentifier")):
            value = (ident.text or "").strip()
            if ident.get("fileIdentifierLocation") == "sha256" or len(value) == 64:
                meta.source_sha256 = value
    for proc in desc.findall(q("Processing")):
        meta.steps.append(_read_step(proc, q))
    for ocr in desc.findall(q("OCRProcessing")):
        meta.steps.extend(_read_step(step, q) for step in ocr)
    return filename, meta
