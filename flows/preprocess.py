"""``archive-ocr preprocess``: load, binarize and deskew page images into a folder.

For each page it writes ``<stem>.png`` (straightened greyscale),
``<stem>.bin.png`` (straightened binary) and ``<stem>.json`` (skew angle,
resolution, timings). Pages of a multi-page file get ``<stem>_p<N>`` stems,
N counting from 1. A file that cannot be loaded is reported and skipped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from flows.files import png_bytes, write_atomic
from layout.images.errors import ImageLoadError
from layout.images.loading import PageImage, load_pages
from layout.images.preprocess import PreprocessSettings, preprocess

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be preprocessed, and why."""

    path: Path
    reason: str
    message: str


def page_stem(path: Path, page: PageImage) -> str:
    """``NAME`` for a single page, ``NAME_p<N>`` (from 1) for pages of a multi-page file."""
    return path.stem if page.page_count == 1 else f"{path.stem}_p{page.page_index + 1}"


def preprocess_file(path: Path, out_dir: Path, settings: PreprocessSettings) -> Iterator[str]:
    """Preprocess every page of one file; yields the stems written.

    Raises:
        ImageLoadError: when the file, or one of its pages, cannot be loaded.
    """
    start = time.perf_counter()
    for page in load_pages(path.read_bytes()):
        loaded = time.perf_counter()
        result = preprocess(page, settings)
        area = result.page_area
        stem = page_stem(path, page)
        report: dict[str, Any] = {
            "source": str(path),
            "page": page.page_index + 1,
            "pages": page.page_count,
            "skew_angle": result.skew_angle,
            "orientation": result.orientation.correction,
            "orientation_evidence": {
                "decided_by": result.orientation.decided_by,
                "upside_down_suspected": result.orientation.upside_down_suspected,
                "ascender_vote": round(result.orientation.asymmetry, 3),
                "row_peakiness": round(result.orientation.row_peakiness, 3),
                "column_peakiness": round(result.orientation.column_peakiness, 3),
            },
            "page_area": {
                "box": [round(v) for v in (area.box.x0, area.box.y0, area.box.x1, area.box.y1)],
                "polygon": [[round(x), round(y)] for x, y in area.polygon],
                "background_found": area.background,
                "coordinates": "input scan",
            },
            "dpi": round(result.dpi, 1),
            "dpi_estimated": result.dpi_estimated,
            "size": list(page.size),
            "timings": {"load_s": loaded - start, **result.timings},
        }
        write_atomic(out_dir / f"{stem}.png", png_bytes(result.grey))
        write_atomic(out_dir / f"{stem}.bin.png", png_bytes(result.binary))
        write_atomic(out_dir / f"{stem}.json", json.dumps(report, indent=2).encode() + b"\n")
        start = time.perf_counter()
        yield stem


def each_file(paths: list[Path], work: Callable[[Path], Iterator[T]]) -> Iterator[T | Failure]:
    """Run ``work`` on every file; a file that cannot be loaded becomes a :class:`Failure`."""
    for path in paths:
        try:
            yield from work(path)
        except ImageLoadError as err:
            yield Failure(path, err.reason, str(err))
        except OSError as err:
            yield Failure(path, "unreadable", str(err))


def preprocess_files(
    paths: list[Path], out_dir: Path, settings: PreprocessSettings
) -> Iterator[str | Failure]:
    """Preprocess many files; yields each stem written or a :class:`Failure`, never stops."""
    return each_file(paths, lambda path: preprocess_file(path, out_dir, settings))
