"""``archive-ocr segment``: page images in, PAGE-XML with regions, lines and baselines out.

Each page is preprocessed (binarize, page area, deskew, orientation), its
lines found on the straightened page, and every outline and baseline mapped
back to the original scan's coordinates, so the PAGE-XML refers to the file
the archive holds. Provenance records both steps with their settings and
measurements, and the scan's sha256.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flows.files import write_atomic
from flows.page_layout import analyse_layout, to_scan
from flows.preprocess import Failure, each_file, page_stem
from flows.segmentation import Segmenter
from flows.storage.base import sha256_hex
from layout.document import Page
from layout.images.loading import PageImage, load_pages
from layout.images.preprocess import PreprocessSettings
from layout.xmlio import serialize


def segment_page(page: PageImage, name: str, source_sha256: str, settings: PreprocessSettings,
                 segmenter: Segmenter) -> Page:  # fmt: skip
    """Lines of one page, in the scan's coordinates, with provenance."""
    analysed = analyse_layout(page, settings, segmenter)
    result = to_scan(analysed.page, analysed.done.transform, page, name, source_sha256)
    result.metadata.steps += analysed.steps
    return result


def segment_file(path: Path, out_dir: Path, settings: PreprocessSettings,
                 segmenter: Segmenter) -> Iterator[Path]:  # fmt: skip
    """Write ``<stem>.page.xml`` for every page of one file; yields the files written."""
    data = path.read_bytes()
    digest = sha256_hex(data)
    for page in load_pages(data):
        result = segment_page(page, path.name, digest, settings, segmenter)
        target = out_dir / f"{page_stem(path, page)}.page.xml"
        write_atomic(target, serialize(result, "page"))
        yield target


def segment_files(
    paths: list[Path], out_dir: Path, settings: PreprocessSettings, segmenter: Segmenter
) -> Iterator[Path | Failure]:
    """Segment many files; failures are reported, never fatal."""
    return each_file(paths, lambda path: segment_file(path, out_dir, settings, segmenter))
