"""Validate PAGE-XML and ALTO files: official XSD plus the semantic checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from layout.checks import page_problems
from layout.xmlio import XMLFormatError, detect_format, parse_xml
from layout.xmlio.alto_reader import read_alto
from layout.xmlio.page_reader import read_page
from layout.xmlio.schemas import schema_errors, schema_for


@dataclass(slots=True)
class ValidationReport:
    """What was checked in one file and every problem found."""

    path: Path
    schema: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file has no problem."""
        return not self.problems


def validate_file(path: Path) -> ValidationReport:
    """Check one file against its schema and the semantic rules; never raises on bad input."""
    report = ValidationReport(path)
    try:
        tree = parse_xml(path)
        fmt = detect_format(tree)
        report.schema, _ = schema_for(tree)
    except (OSError, XMLFormatError, ValueError) as err:
        report.problems.append(str(err))
        return report
    report.problems.extend(f"schema: {m}" for m in schema_errors(tree))
    try:
        page = read_page(tree) if fmt == "page" else read_alto(tree)
    except (XMLFormatError, ValueError) as err:
        report.problems.append(f"unreadable: {err}")
        return report
    report.problems.extend(page_problems(page))
    return report
