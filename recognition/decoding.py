"""CTC decoding to text, with a confidence and an x range for every character.

The post-processor knows only the codec: it turns per-frame probabilities
into :class:`Recognized` lines. Greedy decoding takes the best class of each
frame, merges repeats and drops blanks. A character's confidence is the
highest probability its frames gave it; its x range covers those frames
(``WIDTH_REDUCTION`` pixels each) in the input line image. Words are runs of
non-space characters; a word's confidence is the mean of its characters'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from recognition.bidi import LineDirection, arrange, has_rtl, line_direction
from recognition.codec import BLANK, Codec
from recognition.model import WIDTH_REDUCTION


@dataclass(frozen=True, slots=True)
class Char:
    """One recognised grapheme: text, confidence, and x range in line-image pixels."""

    text: str
    confidence: float
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class RecognizedWord:
    """Consecutive non-space characters."""

    text: str
    confidence: float
    x0: float
    x1: float


@dataclass(slots=True)
class Recognized:
    """A recognised line, in logical order once :func:`in_logical_order` has seen it.

    The characters keep their x ranges, so on a right-to-left line they run
    from right to left.
    """

    text: str
    confidence: float
    chars: list[Char] = field(default_factory=list)
    direction: LineDirection = "ltr"

    def words(self) -> list[RecognizedWord]:
        """Runs of non-space characters with their mean confidence and x extent."""
        out: list[RecognizedWord] = []
        run: list[Char] = []
        for char in [*self.chars, Char(" ", 1.0, 0.0, 0.0)]:
            if char.text.isspace():
                if run:
                    out.append(
                        RecognizedWord(
                            "".join(c.text for c in run),
                            float(np.mean([c.confidence for c in run])),
                            min(c.x0 for c in run),
                            max(c.x1 for c in run),
                        )
                    )
                run = []
            else:
                run.append(char)
        return out


class GreedyDecoder:
    """Best path decoding of CTC output."""

    def __init__(self, codec: Codec, scale: float = WIDTH_REDUCTION) -> None:
        self.codec = codec
        self.scale = scale
        self._texts = ["", *codec.texts]  # by label; the blank's text is never used

    def decode(self, probs: np.ndarray) -> Recognized:
        """Decode one line from its (T, C) probabilities (not log)."""
        if probs.size == 0:
            return Recognized("", 0.0)
        best = probs.argmax(axis=1)
        return self._from_best(best, probs[np.arange(len(best)), best], 1.0)

    def decode_batch(self, log_probs: np.ndarray, lengths: np.ndarray) -> list[Recognized]:
        """Decode (T, B, C) log-probabilities, each line up to its own length."""
        best = log_probs.argmax(axis=2)
        peak = np.exp(np.take_along_axis(log_probs, best[..., None], axis=2)[..., 0])
        return self.decode_peaks(best, peak, lengths, [1.0] * len(lengths))

    def decode_peaks(
        self, best: np.ndarray, peak: np.ndarray, lengths: np.ndarray, ratios: Sequence[float]
    ) -> list[Recognized]:
        """Decode from each frame's best label and its probability, (T, B) each.

        That is all greedy decoding needs, so a GPU hands over two small arrays
        instead of every class's log-probability; the x ranges are multiplied by
        each line's ``ratios`` (input-image pixels per model-input pixel). On a
        GPU this runs on one CPU thread for every line read: it must stay cheap.
        """
        return [self._from_best(best[: int(n), b], peak[: int(n), b], ratio)
                for b, (n, ratio) in enumerate(zip(lengths, ratios, strict=True))]  # fmt: skip

    def _from_best(self, best: np.ndarray, peak: np.ndarray, ratio: float) -> Recognized:
        """The line from each frame's best label and its probability (runs merged, no blanks).

        Within a run of one label every frame's best class is that label, so the
        character's confidence, its highest probability, is the run's highest peak.
        """
        if len(best) == 0:
            return Recognized("", 0.0)
        starts = np.flatnonzero(np.concatenate(([True], best[1:] != best[:-1])))
        ends = np.append(starts[1:], len(best))
        peaks = np.maximum.reduceat(peak, starts)
        kept = best[starts] != BLANK
        texts, scale, known = self._texts, self.scale, len(self._texts)
        chars = [
            Char(texts[label] if label < known else "", confidence, start * scale * ratio,
                 end * scale * ratio)
            for label, confidence, start, end in zip(
                best[starts][kept].tolist(), peaks[kept].tolist(),
                starts[kept].tolist(), ends[kept].tolist(), strict=True,
            )
        ]  # fmt: skip
        line_confidence = float(np.mean([c.confidence for c in chars])) if chars else 0.0
        return Recognized("".join(c.text for c in chars), line_confidence, chars)


def in_logical_order(recognised: Recognized) -> Recognized:
    """A line decoded in display order (as CTC reads it) put in logical order.

    Lines without right-to-left letters are returned as they are; others get
    their direction, and their characters reordered (and brackets mirrored) by
    :func:`recognition.bidi.arrange`, each keeping its confidence and x range.
    """
    if not has_rtl(recognised.text):
        return recognised
    direction = line_direction(recognised.text)
    chars = recognised.chars
    logical = [
        replace(chars[i], text=form) for i, form in arrange([c.text for c in chars], direction)
    ]
    return Recognized("".join(c.text for c in logical), recognised.confidence, logical, direction)
