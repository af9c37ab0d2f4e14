"""``archive-ocr segment``: page images in, PAGE-XML with regions, lines and baselines out.

Each page is preprocessed (binarize, page area, deskew, orientation), its
lines found on the straightened page, and every outline and baseline mapped
back to the original scan's coordinates, so the PAGE-XML refers to the file
the archive holds. Provenance records both steps with their settings and
measurements, and the scan's sha256.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np

from flows.files import write_atomic
from flows.preprocess import Failure, page_stem
from flows.provenance import step
from flows.storage.base import sha256_hex
from layout.document import Page
from layout.images.errors import ImageLoadError
from layout.images.loading import PageImage, load_pages
from layout.images.preprocess import Preprocessed, PreprocessSettings, preprocess
from layout.segment_classic import segment
from layout.transform import transform_page
from layout.xmlio import serialize


def segment_page(
    page: PageImage, name: str, source_sha256: str, settings: PreprocessSettings
) -> tuple[Page, Preprocessed]:
    """Lines of one page, in the scan's coordinates, with provenance."""
    done = preprocess(page, settings)
    found = segment(done.binary, name, page_mask=done.page_mask)
    width, height = page.size
    result = transform_page(found, np.linalg.inv(done.transform), width, height)
    result.image_filename = name
    result.dpi = None if page.dpi_estimated else (page.dpi, page.dpi)
    result.metadata.source_sha256 = source_sha256
    result.metadata.steps += [
        step(
            "preprocessing: binarization, page area, deskew, orientation",
            {
                "binarize": asdict(settings.binarize),
                "max_skew": settings.max_skew,
                "measured_skew_angle": done.skew_angle,
                "measured_orientation": done.orientation.correction,
                "page_index": page.page_index,
            },
            category="preOperation",
        ),
        step(
            "line segmentation (classical: profiles and components)",
            {"method": "classic"},
            category="contentGeneration",
        ),
    ]
    return result, done


def segment_files(
    paths: list[Path], out_dir: Path, settings: PreprocessSettings
) -> Iterator[Path | Failure]:
    """Write ``<stem>.page.xml`` for every page of every file; failures reported, never fatal."""
    for path in paths:
        try:
            data = path.read_bytes()
            digest = sha256_hex(data)
            for page in load_pages(data):
                result, _ = segment_page(page, path.name, digest, settings)
                target = out_dir / f"{page_stem(path, page)}.page.xml"
                write_atomic(target, serialize(result, "page"))
                yield target
        except ImageLoadError as err:
            yield Failure(path, err.reason, str(err))
        except OSError as err:
            yield Failure(path, "unreadable", str(err))
