"""Round-trip check: read a file, write PAGE and ALTO, validate both, read back, compare.

This proves on real ground truth that our two XML views hold the same
document: nothing the source had is lost on the way through either format.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flows.conversion import output_name
from flows.files import write_atomic
from layout.checks import page_problems
from layout.compare import page_differences
from layout.xmlio import XMLFormat, XMLFormatError, parse_xml, read_document, serialize
from layout.xmlio.schemas import schema_errors

FORMATS: tuple[XMLFormat, ...] = ("page", "alto")


@dataclass(slots=True)
class RoundTrip:
    """Problems found for one source file, per stage.

    ``source_problems`` are the source's own semantic problems, for
    information; ``semantic`` lists only problems the round trip introduced.
    """

    source: str
    read_error: str | None = None
    source_problems: list[str] = field(default_factory=list)
    schema: dict[str, list[str]] = field(default_factory=dict)
    semantic: dict[str, list[str]] = field(default_factory=dict)
    differences: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every stage passed in both formats."""
        stages = (*self.schema.values(), *self.semantic.values(), *self.differences.values())
        return self.read_error is None and not any(stages)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the verdict."""
        return {**asdict(self), "ok": self.ok}


def check_file(source: Path, out_dir: Path | None = None) -> RoundTrip:
    """Round-trip one file through both formats; write the outputs to ``out_dir`` if given."""
    result = RoundTrip(str(source))
    try:
        page = read_document(source)
    except (OSError, XMLFormatError, ValueError) as err:
        result.read_error = str(err)
        return result
    result.source_problems = page_problems(page)
    for fmt in FORMATS:
        data = serialize(page, fmt)
        if out_dir is not None:
            write_atomic(out_dir / output_name(source, fmt), data)
        result.schema[fmt] = schema_errors(parse_xml(data))
        back = read_document(data)
        result.semantic[fmt] = [p for p in page_problems(back) if p not in result.source_problems]
        result.differences[fmt] = page_differences(page, back)
    return result


def collect_xml(paths: list[Path]) -> list[Path]:
    """Every ``.xml`` file named or found under the named folders, sorted."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.xml")) if path.is_dir() else [path])
    return found
