"""The per-page pipeline: scan in, page document with text and provenance out.

load → preprocess → segment → cut line images → recognise → attach words →
back to the scan's coordinates. Each stage is a plain function of ``layout``
or ``recognition``; this module only strings them together and records what
was done. The flows call :class:`PagePipeline` once per page (set up once,
process many, as OCR-D processors do).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from flows.layout_workers import LayoutJob, LayoutPool, may_start_workers
from flows.page_layout import LaidOut, lay_out, to_scan
from flows.provenance import step
from flows.segmentation import Segmenter, SegmenterSettings
from flows.upright import recogniser_scorer
from layout.attach import attach_text
from layout.document import Page
from layout.images.loading import PageImage
from layout.images.preprocess import PreprocessSettings
from layout.page_furniture import refine_by_text
from layout.provenance import ModelRef
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
    layout_processes: int = 0
    """Worker processes that lay pages out (:mod:`flows.layout_workers`); 0: the calling threads."""


LayOut = Callable[[PageImage, float | None], LaidOut]
"""A page's stages before recognition, given the page and a time limit (None: none)."""


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
        self.model = ModelRef(loaded.name, loaded.sha256)
        self.decoding, self.decoding_parameters = describe_decoding(self.settings.predictor)
        self.pool, self.lay_out = self._layout_stage(model)

    def _layout_stage(self, model: Path) -> tuple[LayoutPool | None, LayOut]:
        """Every stage of a page before recognition: in worker processes if asked, else here.

        The callable's second argument is a time limit, which only worker processes
        can enforce (their pool is returned too).
        """
        processes = self.settings.layout_processes
        if processes and not may_start_workers():
            logging.getLogger(__name__).warning(
                "layout_processes=%d left aside: this daemonic process (a Dask worker?) may not "
                "start processes, so its page threads lay pages out", processes)  # fmt: skip
            processes = 0
        if processes:
            job = LayoutJob(self.settings.preprocess, self.settings.segmenter, self.line_images,
                            model if self.settings.upright_check else None,
                            self.settings.predictor)  # fmt: skip
            pool = LayoutPool(job, processes)
            return pool, pool.lay_out
        scorer = recogniser_scorer(self.reader) if self.settings.upright_check else None
        here = functools.partial(lay_out,
                                 settings=replace(self.settings.preprocess, upright_scorer=scorer),
                                 segmenter=Segmenter(self.settings.segmenter),
                                 line_images=self.line_images)  # fmt: skip
        return None, lambda page, _timeout_s: here(page)

    def recognise(self, laid: LaidOut) -> None:
        """Read every line of the laid-out page and attach the text (in the straightened frame)."""
        results = self.reader.predict([image for image, _ in laid.cuts])
        lines = laid.page.lines()
        for line, (_, geometry), result in zip(lines, laid.cuts, results, strict=True):
            attach_text(line, result.text, result.confidence, result.chars, geometry,
                        glyphs=self.settings.glyphs)  # fmt: skip
            if result.text:
                line.direction = result.direction
        refine_by_text(laid.page)

    def process(
        self, page: PageImage, name: str, source_sha256: str, timeout_s: float | None = None
    ) -> Page:
        """One scan page to a page document with text, in scan coordinates.

        ``timeout_s`` bounds the layout stages in worker processes (their worker is
        killed past it, raising TimeoutError); callers bound the whole page themselves.
        """
        laid = self.lay_out(page, timeout_s)
        self.recognise(laid)
        result = to_scan(laid.page, laid.transform, page, name, source_sha256)
        result.metadata.steps += [
            *laid.steps,
            step(
                f"text recognition (CNN-LSTM, {self.decoding})",
                {
                    "precision": self.predictor.precision,
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
