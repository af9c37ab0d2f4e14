"""CTC prefix beam search, optionally with a character language model and a lexicon.

The search keeps the ``width`` best prefixes, each with the log-probability
of the paths that end in a blank and of those that end in its last grapheme;
at each frame only graphemes above ``prune`` probability (and the best few)
are tried. A language model adds ``lm_weight`` times the log-probability of
the letters each symbol writes, given those of the prefix, and
``insertion_bonus`` for each of those letters: every letter costs the prefix
some language-model probability, and without the bonus the search prefers
readings that leave letters and spaces out. A lexicon adds
``lexicon_bonus`` for every completed word found in it. The result has the
same form as greedy decoding: per-grapheme confidences (the best probability
over the frames the grapheme spans) and x ranges in the input line image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from recognition.codec import BLANK, Codec, graphemes
from recognition.decoding import Char, Recognized
from recognition.language_model import CharLanguageModel
from recognition.model import WIDTH_REDUCTION

NEG_INF = -math.inf
LM_WEIGHT = 0.4
"""Default weight of the language model's log-probabilities."""
INSERTION_BONUS = 0.9
"""Default bonus per written letter while a language model scores (log units)."""


def _logadd(a: float, b: float) -> float:
    if a == NEG_INF:
        return b
    if b == NEG_INF:
        return a
    return max(a, b) + math.log1p(math.exp(-abs(a - b)))


@dataclass(slots=True)
class _Beam:
    blank: float = NEG_INF
    label: float = NEG_INF
    bonus: float = 0.0
    """Language model and lexicon score of the prefix."""
    frames: tuple[int, ...] = ()
    """The frame at which each label of the prefix was first emitted."""

    def total(self) -> float:
        return _logadd(self.blank, self.label)


@dataclass(frozen=True, slots=True)
class BeamSettings:
    """Search width, pruning and the weights of the optional scorers."""

    width: int = 8
    prune: float = 1e-3
    top: int = 6
    lm_weight: float = LM_WEIGHT
    insertion_bonus: float = INSERTION_BONUS
    """Added per letter a symbol writes, only while a language model scores."""
    lexicon_bonus: float = 1.0
    lexicon: frozenset[str] = field(default_factory=frozenset)


class BeamDecoder:
    """Prefix beam search over CTC output; same interface as the greedy decoder."""

    def __init__(
        self,
        codec: Codec,
        settings: BeamSettings | None = None,
        lm: CharLanguageModel | None = None,
        scale: float = WIDTH_REDUCTION,
    ) -> None:
        self.codec = codec
        self.settings = settings or BeamSettings()
        self.lm = lm
        self.scale = scale
        # what each label writes, and those letters as the language model reads them
        self.texts = dict(enumerate(codec.texts, start=1))
        self.units = {label: graphemes(text) for label, text in self.texts.items()}
        # Every label writes at least one letter and the language model reads
        # order - 1 letters back, so a score depends on that many labels only:
        # beams that share them share it.
        self._tail = lm.order - 1 if lm is not None else 0
        self._lm_scores = lru_cache(maxsize=1 << 18)(self._weighted_lm_score)

    def _extension(self, prefix: tuple[int, ...], label: int) -> float:
        """Language model and lexicon score of appending ``label`` to ``prefix``."""
        score = 0.0
        if self.lm is not None:
            score += self._lm_scores(prefix[max(0, len(prefix) - self._tail) :], label)
        if self.texts[label].isspace() and self.settings.lexicon:
            score += self._word_bonus(prefix)
        return score

    def _weighted_lm_score(self, tail: tuple[int, ...], label: int) -> float:
        """The language model's weighted score and the insertion bonus of ``label``."""
        assert self.lm is not None
        return (self.settings.lm_weight * self._lm_score(self.lm, tail, label)
                + self.settings.insertion_bonus * len(self.units[label]))  # fmt: skip

    def _lm_score(self, lm: CharLanguageModel, prefix: tuple[int, ...], label: int) -> float:
        """Log-probability of the letters ``label`` writes after those of ``prefix``.

        The model reads written letters, as it was fitted: a learnt ligature
        symbol (one label, two letters) is scored letter by letter. Only the last
        ``order - 1`` letters are context.
        """
        history: list[str] = []
        for previous in reversed(prefix):
            if len(history) >= lm.order - 1:
                break
            history[:0] = self.units[previous]
        score = 0.0
        for unit in self.units[label]:
            score += lm.logprob(lm.context(history), unit)
            history.append(unit)
        return score

    def _word_bonus(self, prefix: tuple[int, ...]) -> float:
        text = "".join(self.texts[p] for p in prefix)
        word = text.rsplit(" ", 1)[-1].strip(".,;:!?()\"'«»„“”")
        return self.settings.lexicon_bonus if word and word in self.settings.lexicon else 0.0

    def _step(self, beams: dict[tuple[int, ...], _Beam], logp: np.ndarray,
              labels: list[int], t: int) -> dict[tuple[int, ...], _Beam]:  # fmt: skip
        following: dict[tuple[int, ...], _Beam] = {}
        for prefix, beam in beams.items():
            total = beam.total()
            same = following.setdefault(prefix, _Beam(bonus=beam.bonus, frames=beam.frames))
            same.blank = _logadd(same.blank, total + float(logp[BLANK]))
            if prefix:  # the last label goes on without a blank in between
                same.label = _logadd(same.label, beam.label + float(logp[prefix[-1]]))
            for label in labels:
                new = (*prefix, label)
                source = beam.blank if prefix and label == prefix[-1] else total
                if new not in following:
                    following[new] = _Beam(bonus=beam.bonus + self._extension(prefix, label),
                                           frames=(*beam.frames, t))  # fmt: skip
                target = following[new]
                target.label = _logadd(target.label, source + float(logp[label]))
        ranked = sorted(following.items(), key=lambda kv: kv[1].total() + kv[1].bonus,
                        reverse=True)  # fmt: skip
        return dict(ranked[: self.settings.width])

    def decode(self, probs: np.ndarray) -> Recognized:
        """Decode one line from its (T, C) probabilities (not log)."""
        if probs.size == 0:
            return Recognized("", 0.0)
        logp = np.log(np.maximum(probs, 1e-12))
        beams: dict[tuple[int, ...], _Beam] = {(): _Beam(blank=0.0)}
        for t in range(len(probs)):
            order = np.argsort(probs[t])[::-1][: self.settings.top]
            labels = [int(c) for c in order
                      if c != BLANK and probs[t, c] >= self.settings.prune]  # fmt: skip
            beams = self._step(beams, logp[t], labels, t)
        best_prefix, best = max(beams.items(), key=lambda kv: kv[1].total() + kv[1].bonus)
        return self._recognized(best_prefix, best.frames, probs)

    def _recognized(self, prefix: tuple[int, ...], frames: tuple[int, ...],
                    probs: np.ndarray) -> Recognized:  # fmt: skip
        chars = []
        for i, (label, start) in enumerate(zip(prefix, frames, strict=True)):
            end = frames[i + 1] if i + 1 < len(frames) else len(probs)
            span = probs[start:end, label]
            stop = start + int(np.flatnonzero(span >= span.max() * 0.5).max()) + 1
            chars.append(Char(self.texts[label], float(span.max()),
                              start * self.scale, stop * self.scale))  # fmt: skip
        confidence = float(np.mean([c.confidence for c in chars])) if chars else 0.0
        return Recognized("".join(c.text for c in chars), confidence, chars)

    def decode_batch(self, log_probs: np.ndarray, lengths: np.ndarray) -> list[Recognized]:
        """Decode (T, B, C) log-probabilities, each line up to its own length."""
        probs = np.exp(log_probs)
        return [self.decode(probs[: int(n), b]) for b, n in enumerate(lengths)]
