"""The per-page pipeline: scan in, page document with text and provenance out.

load → preprocess → segment → cut line images → recognise → attach words →
back to the scan's coordinates. Each stage is a plain function of ``layout``
or ``recognition``; this module only strings them together and records what
was done. The flows call :class:`PagePipeline` once per page (set up once,
process many, as OCR-D processors do).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from flows.provenance import step
from flows.segmentation import Segmenter, SegmenterSettings
from flows.upright import recogniser_scorer
from layout.attach import attach_text
from layout.document import Page
from layout.images.binarize import PAPER
from layout.images.loading import PageImage
from layout.images.preprocess import Preprocessed, PreprocessSettings, preprocess
from layout.line_images import extract_line, paper_grey
from layout.page_furniture import refine_by_text
from layout.provenance import ModelRef, ProcessingStep
from layout.transform import transform_page
from recognition.batching import SharedReader
from recognition.predictor import Predictor, PredictorSettings, describe_decoding
from recognition.weights import LineCut, load_model


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """Settings of every stage."""

    preprocess: PreprocessSettings = field(default_factory=PreprocessSettings)
    predictor: PredictorSettings = field(default_factory=PredictorSettings)
    glyphs: bool = False
    line_images: LineCut | None = None
    """Cut lines from the grey or the binarized page; None: as the model's file says, else grey."""
    segmenter: SegmenterSettings = field(default_factory=SegmenterSettings)
    upright_check: bool = True
    """Where the ink cue doubts which way up a page is, let the recogniser decide."""


@dataclass(frozen=True, slots=True)
class Analysed:
    """A preprocessed and segmented page, in the straightened image's frame."""

    page: Page
    done: Preprocessed
    degraded_lines: int
    steps: list[ProcessingStep]


def analyse_layout(page: PageImage, settings: PreprocessSettings, segmenter: Segmenter) -> Analysed:
    """Preprocess and segment, with the provenance of both."""
    done = preprocess(page, settings)
    found, degraded = segmenter.segment(done)
    steps = [preprocess_step(page, done, settings), segmenter.step(degraded)]
    return Analysed(found, done, degraded, steps)


def to_scan(found: Page, done: Preprocessed, page: PageImage, name: str, sha: str) -> Page:
    """The page mapped back to the scan's coordinates, named and checksummed."""
    width, height = page.size
    result = transform_page(found, np.linalg.inv(done.transform), width, height)
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


class PagePipeline:
    """Set up once with a recogniser; :meth:`process` pages, from up to ``workers`` threads.

    The lines of pages processed at the same time are recognised together
    (:class:`~recognition.batching.SharedReader`), so the model sees batches
    that span pages.
    """

    def __init__(self, model: Path, settings: PipelineSettings | None = None,
                 workers: int = 1) -> None:  # fmt: skip
        self.settings = settings or PipelineSettings()
        loaded = load_model(model, self.settings.predictor.device)
        self.predictor = Predictor(loaded, self.settings.predictor)
        self.line_images: LineCut = self.settings.line_images or loaded.line_images or "grey"
        self.reader = SharedReader(self.predictor, workers)
        self.segmenter = Segmenter(self.settings.segmenter)
        scorer = recogniser_scorer(self.reader) if self.settings.upright_check else None
        self.preprocess_settings = replace(self.settings.preprocess, upright_scorer=scorer)
        self.model = ModelRef(loaded.name, loaded.sha256)
        self.decoding, self.decoding_parameters = describe_decoding(self.settings.predictor)

    def recognise(self, found: Page, done: Preprocessed) -> None:
        """Read every line of the page (in the straightened frame) and attach the text."""
        lines = list(found.lines())
        if self.line_images == "binary":
            cuts = [extract_line(done.binary, line, paper=PAPER) for line in lines]
        else:
            paper = paper_grey(done.grey)
            cuts = [extract_line(done.grey, line, paper=paper) for line in lines]
        results = self.reader.predict([image for image, _ in cuts])
        for line, (_, geometry), result in zip(lines, cuts, results, strict=True):
            attach_text(line, result.text, result.confidence, result.chars, geometry,
                        glyphs=self.settings.glyphs)  # fmt: skip
            if result.text:
                line.direction = result.direction
        refine_by_text(found)

    def process(self, page: PageImage, name: str, source_sha256: str) -> Page:
        """One scan page to a page document with text, in scan coordinates."""
        analysed = analyse_layout(page, self.preprocess_settings, self.segmenter)
        self.recognise(analysed.page, analysed.done)
        result = to_scan(analysed.page, analysed.done, page, name, source_sha256)
        result.metadata.steps += [
            *analysed.steps,
            step(
                f"text recognition (CNN-LSTM, {self.decoding})",
                {
                    "precision": self.settings.predictor.precision,
                    "glyphs": self.settings.glyphs,
                    "line_images": self.line_images,
                    **self.decoding_parameters,
                },
                model=self.model,
                category="contentGeneration",
            ),
        ]
        return result


_PIPELINES: dict[tuple[Path, PipelineSettings, int], PagePipeline] = {}
_PIPELINES_LOCK = threading.Lock()


def shared_pipeline(model: Path, settings: PipelineSettings, workers: int = 1) -> PagePipeline:
    """The pipeline for these settings in this process, set up on first use.

    Tasks of a run (threads here, or Dask worker processes) share one loaded
    model per process instead of loading it per page.
    """
    key = (model.resolve(), settings, workers)
    with _PIPELINES_LOCK:
        if key not in _PIPELINES:
            _PIPELINES[key] = PagePipeline(model, settings, workers)
        return _PIPELINES[key]
