"""Convert between PAGE-XML and ALTO, recording the conversion in the provenance."""

from __future__ import annotations

from pathlib import Path

from flows.files import write_atomic
from flows.provenance import step
from layout.xmlio import XMLFormat, read_document, serialize

SUFFIXES: dict[XMLFormat, str] = {"page": ".page.xml", "alto": ".alto.xml"}


def output_name(source: Path, fmt: XMLFormat) -> str:
    """``NAME.page.xml`` or ``NAME.alto.xml`` for a source named ``NAME[.page|.alto].xml``."""
    return f"{document_stem(source.name)}{SUFFIXES[fmt]}"


def document_stem(name: str) -> str:
    """A file name without ``.page.xml``, ``.alto.xml``, ``.xml``, ``.gt.txt`` or ``.txt``."""
    for suffix in (".page.xml", ".alto.xml", ".gt.txt", ".xml", ".txt"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def convert_file(source: Path, target: Path, fmt: XMLFormat) -> None:
    """Read ``source`` (either format), write ``target`` in ``fmt``, whole or not at all.

    Raises:
        XMLFormatError: when the source is not readable PAGE-XML or ALTO.
    """
    page = read_document(source)
    page.metadata.steps.append(
        step("format conversion", {"to": fmt, "source": source.name}, category="postOperation")
    )
    write_atomic(target, serialize(page, fmt))
