"""Which line segmenter a page goes through: the trained detector (default) or the classical one.

The trained detector reads the deskewed greyscale page; the classical
segmenter the binarized one. Either way the result is a page in the
straightened image's frame, plus the number of lines whose outline fell back
to a box around the baseline (recorded in provenance).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from flows.provenance import step
from layout.detector.detect import LineDetector
from layout.document import Page
from layout.images.preprocess import Preprocessed
from layout.models import shipped_detector
from layout.provenance import ModelRef, ProcessingStep
from layout.segment_classic import segment
from recognition.precision import Precision, effective_precision

SegmenterKind = Literal["detector", "classic"]
PageDirection = Literal["ltr", "rtl"]


@dataclass(frozen=True, slots=True)
class SegmenterSettings:
    """The segmenter and, for the detector, its weights (None: the shipped detector)."""

    method: SegmenterKind = "detector"
    model: Path | None = None
    device: str = "cpu"
    direction: PageDirection = "ltr"
    """The script's direction: columns are read right to left on ``rtl`` pages."""
    precision: Precision = "float32"
    """The detector's; bfloat16 where the device runs it (:mod:`recognition.precision`)."""


class Segmenter:
    """Set up once (the detector's weights loaded), then :meth:`segment` pages from any thread."""

    def __init__(self, settings: SegmenterSettings | None = None) -> None:
        self.settings = settings or SegmenterSettings()
        self.detector: LineDetector | None = None
        self.precision = effective_precision(self.settings.device, self.settings.precision)
        if self.settings.method == "detector":
            path = self.settings.model or shipped_detector()
            self.detector = LineDetector(path, self.settings.device, self.precision == "bfloat16")

    def segment(self, done: Preprocessed) -> tuple[Page, int]:
        """Lines and regions of a preprocessed page, and how many lines are degraded."""
        direction = self.settings.direction
        if self.detector is None:
            return segment(done.binary, page_mask=done.page_mask, direction=direction), 0
        found = self.detector.segment(done.grey, direction=direction, page_mask=done.page_mask)
        return found.page, found.degraded_lines

    def step(self, degraded_lines: int) -> ProcessingStep:
        """Provenance of the segmentation of one page."""
        if self.detector is None:
            return step("line segmentation (classical: profiles and components)",
                        {"method": "classic"}, category="contentGeneration")  # fmt: skip
        loaded = self.detector.loaded
        return step(
            "line segmentation (trained baseline detector)",
            {
                "method": "detector",
                "input_size": self.detector.size,
                "precision": self.precision,
                "degraded_lines": degraded_lines,
            },
            model=ModelRef(loaded.name, loaded.sha256),
            category="contentGeneration",
        )
