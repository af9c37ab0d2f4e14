"""CTC decoding to text, with a confidence and an x range for every character.

The post-processor knows only the codec: it turns per-frame probabilities
into :class:`Recognized` lines. Greedy decoding takes the best class of each
frame, merges repeats and drops blanks. A character's confidence is the
highest probability its frames gave it; its x range covers those frames
(``WIDTH_REDUCTION`` pixels each) in the input line image. Words are runs of
non-space characters; a word's confidence is the mean of its characters'.
"""

from __future__ import annotations

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

    def decode(self, probs: np.ndarray) -> Recognized:
        """Decode one line from its (T, C) probabilities (not log)."""
        if probs.size == 0:
            return Recognized("", 0.0)
        best = probs.argmax(axis=1)
        chars: list[Char] = []
        start = 0
        for t in range(1, len(best) + 1):
            if t < len(best) and best[t] == best[start]:
                continue
            label = int(best[start])
            if label != BLANK:
                confidence = float(probs[start:t, label].max())
                text = self.codec.decode([label])
                chars.append(Char(text, confidence, start * self.scale, t * self.scale))
            start = t
        line_confidence = float(np.mean([c.confidence for c in chars])) if chars else 0.0
        return Recognized("".join(c.text for c in chars), line_confidence, chars)

    def decode_batch(self, log_probs: np.ndarray, lengths: np.ndarray) -> list[Recognized]:
        """Decode (T, B, C) log-probabilities, each line up to its own length."""
        probs = np.exp(log_probs)
        return [self.decode(probs[: int(n), b]) for b, n in enumerate(lengths)]


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
