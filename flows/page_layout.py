"""A page's stages before recognition: preprocess, segment, cut the line images.

All of it is CPU work on one page, so it can run in this process's page
threads or in worker processes (:mod:`flows.layout_workers`) alike; what it
hands on, :class:`LaidOut`, is plain data that pickles. The recogniser reads
the cuts afterwards (:class:`~flows.pipeline.PagePipeline`), and
:func:`to_scan` maps the result back to the scan's coordinates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from flows.provenance import step
from flows.segmentation import Segmenter
from layout.document import Page
from layout.images.binarize import PAPER
from layout.images.loading import PageImage
from layout.images.preprocess import Preprocessed, PreprocessSettings, preprocess
from layout.line_images import LineGeometry, extract_line, paper_grey
from layout.provenance import ProcessingStep
from layout.transform import transform_page
from recognition.weights import LineCut


@dataclass(frozen=True, slots=True)
class Analysed:
    """A preprocessed and segmented page, in the straightened image's frame."""

    page: Page
    done: Preprocessed
    degraded_lines: int
    steps: list[ProcessingStep]


@dataclass(frozen=True, slots=True)
class LaidOut:
    """A segmented page (straightened frame) with its line images, ready for the recogniser."""

    page: Page
    transform: np.ndarray
    """3x3 affine matrix from scan coordinates to the straightened frame."""
    cuts: list[tuple[np.ndarray, LineGeometry]]
    """One line image and its geometry per line of ``page``, in the order of ``page.lines()``."""
    steps: list[ProcessingStep]


def analyse_layout(page: PageImage, settings: PreprocessSettings, segmenter: Segmenter) -> Analysed:
    """Preprocess and segment, with the provenance of both."""
    done = preprocess(page, settings)
    found, degraded = segmenter.segment(done)
    steps = [preprocess_step(page, done, settings), segmenter.step(degraded)]
    return Analysed(found, done, degraded, steps)


def cut_lines(
    found: Page, done: Preprocessed, line_images: LineCut
) -> list[tuple[np.ndarray, LineGeometry]]:
    """Every line of the page cut from the grey or the binarized page."""
    lines = list(found.lines())
    if line_images == "binary":
        return [extract_line(done.binary, line, paper=PAPER) for line in lines]
    paper = paper_grey(done.grey)
    return [extract_line(done.grey, line, paper=paper) for line in lines]


def lay_out(
    page: PageImage, settings: PreprocessSettings, segmenter: Segmenter, line_images: LineCut
) -> LaidOut:
    """Every stage of a page before recognition."""
    analysed = analyse_layout(page, settings, segmenter)
    cuts = cut_lines(analysed.page, analysed.done, line_images)
    return LaidOut(analysed.page, analysed.done.transform, cuts, analysed.steps)


def to_scan(found: Page, transform: np.ndarray, page: PageImage, name: str, sha: str) -> Page:
    """The page mapped back to the scan's coordinates (``transform``: scan to ``found``)."""
    width, height = page.size
    result = transform_page(found, np.linalg.inv(transform), width, height)
    result.image_filename = name
    result.dpi = None if page.dpi_estimated else (page.dpi, page.dpi)
    result.metadata.source_sha256 = sha
    return result


def preprocess_step(
    page: PageImage, done: Preprocessed, settings: PreprocessSettings
) -> ProcessingStep:
    """Provenance of preprocessing."""
    return step(
        "preprocessing: binarization, page area, deskew, orientation",
        {
            "binarize": asdict(settings.binarize),
            "max_skew": settings.max_skew,
            "measured_skew_angle": done.skew_angle,
            "measured_orientation": done.orientation.correction,
            "orientation_decided_by": done.orientation.decided_by,
            "page_index": page.page_index,
        },
        category="preOperation",
    )
