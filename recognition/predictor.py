"""Batched inference: line images in, recognised text with confidences and positions out.

Lines are normalised to the model's height, grouped by width so that little
padding is computed, and run through the network's inference form
(:meth:`~recognition.model.LineRecognizer.for_inference`) under
``torch.inference_mode`` on the CPU (with the configured number of threads;
in bfloat16 where it has bfloat16 instructions and bfloat16 is asked for) or
on a GPU in bfloat16 or float16 (:mod:`recognition.precision`). Character
x positions come back in the pixels of each input line image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from recognition.beam import INSERTION_BONUS, LM_WEIGHT, BeamDecoder, BeamSettings
from recognition.codec import Codec
from recognition.decoding import Char, GreedyDecoder, Recognized, in_logical_order
from recognition.hyphens import LineEndHyphen, with_line_end_hyphen
from recognition.language_model import CharLanguageModel
from recognition.lines import normalize_line, pad_batch, width_batches
from recognition.precision import Precision, autocast, effective_precision
from recognition.weights import LoadedModel, file_sha256


@dataclass(frozen=True, slots=True)
class PredictorSettings:
    """How to run inference."""

    device: str = "cpu"
    precision: Precision = "bfloat16"
    """Where the device runs it (:func:`~recognition.precision.effective_precision`)."""
    max_batch: int = 64
    max_pixels: int = 64 * 2048
    threads: int | None = None
    beam_width: int = 1
    """1: greedy decoding; more: CTC prefix beam search."""
    lm: Path | None = None
    """Character n-gram model (JSON, ``archive-ocr train lm``) for the beam search."""
    lm_weight: float = LM_WEIGHT
    insertion_bonus: float = INSERTION_BONUS
    """Added per written letter while the language model scores."""
    lexicon: Path | None = None
    """Word list (one per line) whose words the beam search prefers."""
    line_end_hyphen: LineEndHyphen | None = None
    """Write a line-break hyphen as this sign (:mod:`recognition.hyphens`); None: as read."""


@dataclass(frozen=True, slots=True)
class PreparedLine:
    """A line image scaled to the model's height and inverted, and its width as cut."""

    pixels: np.ndarray
    source_width: int


class Predictor:
    """Recognises batches of line images with one loaded model.

    :meth:`predict` is :meth:`prepare` (scaling, in any thread: the model is
    not touched) then :meth:`predict_prepared` (the network and the decoding).
    """

    def __init__(self, loaded: LoadedModel, settings: PredictorSettings | None = None) -> None:
        self.settings = settings or PredictorSettings()
        self.loaded = loaded
        self.model = loaded.model.for_inference().to(self.settings.device)
        self.decoder = decoder_for(loaded.codec, self.settings)
        if self.settings.threads:
            torch.set_num_threads(self.settings.threads)

    @property
    def precision(self) -> Precision:
        """The precision the network runs in on this device (for provenance)."""
        return effective_precision(self.settings.device, self.settings.precision)

    def predict(self, lines: Sequence[np.ndarray]) -> list[Recognized]:
        """Recognise greyscale line images (uint8, ink dark), in the order given.

        Text comes back in logical order, right-to-left lines marked as such.
        """
        return self.predict_prepared(self.prepare(lines))

    def prepare(self, lines: Sequence[np.ndarray]) -> list[PreparedLine]:
        """Line images scaled to the model's input height; safe to call from any thread."""
        height = self.model.config.height
        return [PreparedLine(normalize_line(line, height), line.shape[1]) for line in lines]

    def predict_prepared(self, prepared: Sequence[PreparedLine]) -> list[Recognized]:
        """Recognise prepared lines, in the order given (as :meth:`predict`)."""
        widths = [line.pixels.shape[1] for line in prepared]
        results: list[Recognized | None] = [None] * len(prepared)
        device, precision = self.settings.device, self.settings.precision
        for batch in width_batches(widths, self.settings.max_batch, self.settings.max_pixels):
            images, batch_widths = pad_batch([prepared[i].pixels for i in batch])
            images = images.to(device, memory_format=torch.channels_last)
            with torch.inference_mode(), autocast(device, precision):
                out = self.model(images, batch_widths.to(device))
            ratios = [prepared[i].source_width / widths[i] for i in batch]
            decoded = self._decode(out["log_probs"].float(), out["lengths"].cpu().numpy(), ratios)
            hyphen = self.settings.line_end_hyphen
            for i, recognised in zip(batch, decoded, strict=True):
                results[i] = with_line_end_hyphen(in_logical_order(recognised), hyphen)
        return [r if r is not None else Recognized("", 0.0) for r in results]

    def _decode(
        self, log_probs: torch.Tensor, lengths: np.ndarray, ratios: list[float]
    ) -> list[Recognized]:
        """Lines from (T, B, C) log-probabilities, x ranges in input-image pixels.

        Greedy decoding takes each frame's best class and its probability where
        the network ran (on a GPU: two small arrays cross over, not all classes).
        """
        if isinstance(self.decoder, GreedyDecoder):
            peak, best = log_probs.max(dim=2)
            return self.decoder.decode_peaks(best.cpu().numpy(), peak.exp().cpu().numpy(),
                                             lengths, ratios)  # fmt: skip
        decoded = self.decoder.decode_batch(log_probs.cpu().numpy(), lengths)
        return [_to_input_pixels(r, ratio) for r, ratio in zip(decoded, ratios, strict=True)]


def uses_beam_search(settings: PredictorSettings) -> bool:
    """Whether the settings ask for beam search (a width, a language model or a lexicon)."""
    return settings.beam_width > 1 or settings.lm is not None or settings.lexicon is not None


def describe_decoding(settings: PredictorSettings) -> tuple[str, dict[str, object]]:
    """The decoding's name and parameters, for provenance (scorers by name and sha256)."""
    parameters: dict[str, object] = {"beam_width": settings.beam_width}
    if settings.line_end_hyphen:
        parameters["line_end_hyphen"] = settings.line_end_hyphen
    if not uses_beam_search(settings):
        return "greedy CTC decoding", parameters
    name = "CTC prefix beam search" + (" with a character n-gram model" if settings.lm else "")
    if settings.lm:
        parameters |= {"lm": settings.lm.name, "lm_sha256": file_sha256(settings.lm),
                       "lm_weight": settings.lm_weight,
                       "insertion_bonus": settings.insertion_bonus}  # fmt: skip
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
                        insertion_bonus=settings.insertion_bonus, lexicon=words)  # fmt: skip
    return BeamDecoder(codec, beam, lm)


def _to_input_pixels(recognised: Recognized, scale: float) -> Recognized:
    chars = [Char(c.text, c.confidence, c.x0 * scale, c.x1 * scale) for c in recognised.chars]
    return Recognized(recognised.text, recognised.confidence, chars)
