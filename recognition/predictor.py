"""Batched inference: line images in, recognised text with confidences and positions out.

Lines are normalised to the model's height, grouped by width so that little
padding is computed, and run through the network's inference form
(:meth:`~recognition.model.LineRecognizer.for_inference`) under
``torch.inference_mode`` on the CPU (with the configured number of threads) or
on a GPU in bfloat16 or float16. Character
x positions come back in the pixels of each input line image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import torch

from recognition.beam import BeamDecoder, BeamSettings
from recognition.codec import Codec
from recognition.decoding import GreedyDecoder, Recognized, in_logical_order
from recognition.language_model import CharLanguageModel
from recognition.lines import normalize_line, pad_batch, width_batches
from recognition.weights import LoadedModel, file_sha256

Precision = Literal["float32", "bfloat16", "float16"]


@dataclass(frozen=True, slots=True)
class PredictorSettings:
    """How to run inference."""

    device: str = "cpu"
    precision: Precision = "float32"
    max_batch: int = 64
    max_pixels: int = 64 * 2048
    threads: int | None = None
    beam_width: int = 1
    """1: greedy decoding; more: CTC prefix beam search."""
    lm: Path | None = None
    """Character n-gram model (JSON, ``archive-ocr train lm``) for the beam search."""
    lm_weight: float = 0.3
    lexicon: Path | None = None
    """Word list (one per line) whose words the beam search prefers."""


class Predictor:
    """Recognises batches of line images with one loaded model."""

    def __init__(self, loaded: LoadedModel, settings: PredictorSettings | None = None) -> None:
        self.settings = settings or PredictorSettings()
        self.loaded = loaded
        self.model = loaded.model.for_inference().to(self.settings.device)
        self.decoder = decoder_for(loaded.codec, self.settings)
        if self.settings.threads:
            torch.set_num_threads(self.settings.threads)

    def _dtype(self) -> torch.dtype | None:
        if self.settings.device == "cpu" or self.settings.precision == "float32":
            return None
        return torch.bfloat16 if self.settings.precision == "bfloat16" else torch.float16

    def predict(self, lines: Sequence[np.ndarray]) -> list[Recognized]:
        """Recognise greyscale line images (uint8, ink dark), in the order given.

        Text comes back in logical order, right-to-left lines marked as such.
        """
        height = self.model.config.height
        normalised = [normalize_line(line, height) for line in lines]
        widths = [n.shape[1] for n in normalised]
        results: list[Recognized | None] = [None] * len(lines)
        dtype = self._dtype()
        for batch in width_batches(widths, self.settings.max_batch, self.settings.max_pixels):
            images, batch_widths = pad_batch([normalised[i] for i in batch])
            images = images.to(self.settings.device)
            with torch.inference_mode(), torch.autocast(
                self.settings.device.split(":")[0], dtype=dtype or torch.float32,
                enabled=dtype is not None,
            ):  # fmt: skip
                out = self.model(images, batch_widths.to(self.settings.device))
            log_probs = out["log_probs"].float().cpu().numpy()
            decoded = self.decoder.decode_batch(log_probs, out["lengths"].cpu().numpy())
            for i, recognised in zip(batch, decoded, strict=True):
                scaled = _to_input_pixels(recognised, lines[i].shape[1] / widths[i])
                results[i] = in_logical_order(scaled)
        return [r if r is not None else Recognized("", 0.0) for r in results]


def uses_beam_search(settings: PredictorSettings) -> bool:
    """Whether the settings ask for beam search (a width, a language model or a lexicon)."""
    return settings.beam_width > 1 or settings.lm is not None or settings.lexicon is not None


def describe_decoding(settings: PredictorSettings) -> tuple[str, dict[str, object]]:
    """The decoding's name and parameters, for provenance (scorers by name and sha256)."""
    if not uses_beam_search(settings):
        return "greedy CTC decoding", {"beam_width": settings.beam_width}
    name = "CTC prefix beam search" + (" with a character n-gram model" if settings.lm else "")
    parameters: dict[str, object] = {"beam_width": settings.beam_width}
    if settings.lm:
        parameters |= {"lm": settings.lm.name, "lm_sha256": file_sha256(settings.lm),
                       "lm_weight": settings.lm_weight}  # fmt: skip
    if settings.lexicon:
        parameters |= {"lexicon": settings.lexicon.name,
                       "lexicon_sha256": file_sha256(settings.lexicon)}  # fmt: skip
    return name, parameters


def decoder_for(codec: Codec, settings: PredictorSettings) -> GreedyDecoder | BeamDecoder:
    """Greedy decoding, or beam search with the settings' language model and lexicon."""
    if not uses_beam_search(settings):
        return GreedyDecoder(codec)
    lm = CharLanguageModel.load(settings.lm) if settings.lm else None
    words = (
        frozenset(settings.lexicon.read_text(encoding="utf-8").split())
        if settings.lexicon
        else frozenset()
    )
    beam = BeamSettings(width=max(settings.beam_width, 2), lm_weight=settings.lm_weight,
                        lexicon=words)  # fmt: skip
    return BeamDecoder(codec, beam, lm)


def _to_input_pixels(recognised: Recognized, scale: float) -> Recognized:
    chars = [replace(c, x0=c.x0 * scale, x1=c.x1 * scale) for c in recognised.chars]
    return Recognized(recognised.text, recognised.confidence, chars)
