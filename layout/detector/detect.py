"""Running the trained detector on a page: maps, lines, regions and reading order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch

from layout.detector.network import normalise, pad_to
from layout.detector.targets import resize_grey, scale_for
from layout.detector.vectorise import FoundLine, vectorise
from layout.detector.weights import LoadedDetector, load_detector
from layout.document import Direction, Page, TextLine
from layout.reading_order import build_regions

INK_LEVEL = 0.5  # normalised darkness above which a pixel is ink (paper 0, dark text 1)


@dataclass(frozen=True, slots=True)
class Detection:
    """A segmented page and how many of its lines fell back to a box around the baseline."""

    page: Page
    degraded_lines: int


class LineDetector:
    """A loaded detector; :meth:`segment` pages (greyscale, deskewed) one after another."""

    def __init__(self, path: Path, device: str = "cpu", bfloat16: bool = False) -> None:
        """Load the detector onto ``device``; ``bfloat16`` runs its network under autocast."""
        self.loaded: LoadedDetector = load_detector(path, device)
        self.network = self.loaded.model.for_inference()
        self.device = device
        self.bfloat16 = bfloat16

    @property
    def size(self) -> int:
        """Long side of the page as the network sees it."""
        return self.loaded.model.config.size

    def probabilities(self, grey: np.ndarray) -> tuple[np.ndarray, float]:
        """Per-pixel probabilities (C × h × w) at the network's scale, and that scale.

        Pages larger than the network's size are shrunk to it; smaller ones
        (a cropped paragraph) are read as they are, never enlarged.
        """
        image, scale = self._prepared(grey)
        return self._maps(image), scale

    def _prepared(self, grey: np.ndarray) -> tuple[np.ndarray, float]:
        """The normalised page at the network's scale, and that scale."""
        scale = min(1.0, scale_for(grey.shape[1], grey.shape[0], self.size))
        return normalise(resize_grey(grey, scale)), scale

    def _maps(self, image: np.ndarray) -> np.ndarray:
        tensor = torch.from_numpy(pad_to(image))[None, None].to(self.device)
        kind = self.device.split(":", maxsplit=1)[0]
        with torch.inference_mode(), torch.autocast(kind, torch.bfloat16, enabled=self.bfloat16):
            logits = self.network(tensor)[0, :, : image.shape[0], : image.shape[1]]
        maps: np.ndarray = torch.sigmoid(logits).float().cpu().numpy()
        return maps

    def lines(self, grey: np.ndarray, page_mask: np.ndarray | None = None) -> list[FoundLine]:
        """Every line found, in page coordinates; none outside ``page_mask``."""
        image, scale = self._prepared(grey)
        maps = self._maps(image)
        if page_mask is not None:
            small = cv2.resize(page_mask.astype(np.uint8), maps.shape[:0:-1],
                               interpolation=cv2.INTER_NEAREST)  # fmt: skip
            maps *= small[None].astype(maps.dtype)
        return vectorise(maps, scale, ink=image > INK_LEVEL)

    def segment(self, grey: np.ndarray, image_filename: str = "", direction: Direction = "ltr",
                page_mask: np.ndarray | None = None) -> Detection:  # fmt: skip
        """A page of regions and lines in reading order, with the count of degraded lines."""
        found = self.lines(grey, page_mask)
        lines = [TextLine(id="", polygon=f.polygon, baseline=f.baseline) for f in found]
        regions = build_regions(lines, direction)
        height, width = grey.shape
        page = Page(image_filename, width, height, regions=regions,
                    reading_order=[r.id for r in regions], direction=direction)  # fmt: skip
        return Detection(page, sum(f.degraded for f in found))
