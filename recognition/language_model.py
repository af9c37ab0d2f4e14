"""A character n-gram language model for CTC beam search.

Counts of graphemes after contexts of up to ``order - 1`` graphemes, with
Witten-Bell interpolation down to a uniform distribution, so that every
grapheme keeps some probability. Fitted on transcriptions (training lines or
any period text) read as the codec reads them (private-use ligatures spelt
out), and stored as JSON beside a model; never pickled.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from recognition.codec import units
from recognition.weights import file_sha256

START = "\x02"
"""Context padding before the first grapheme of a line."""


class CharLanguageModel:
    """P(grapheme | previous graphemes), Witten-Bell interpolated."""

    def __init__(self, order: int, counts: dict[tuple[str, ...], Counter[str]]) -> None:
        self.order = order
        self.counts = counts
        self.vocabulary = {g for following in counts.values() for g in following}
        self._uniform = 1.0 / (len(self.vocabulary) + 1)
        # per context: how many graphemes followed it, and how many kinds
        self._seen = {context: (sum(following.values()), len(following))
                      for context, following in counts.items() if following}  # fmt: skip
        self.logprob = lru_cache(maxsize=200_000)(self._logprob)

    @classmethod
    def fit(cls, texts: Iterable[str], order: int = 5) -> CharLanguageModel:
        """Count every context of 0 to ``order - 1`` graphemes in the texts."""
        if order < 1:
            raise ValueError("order must be at least 1")
        counts: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for text in texts:
            padded = [START] * (order - 1) + units(text)
            for i in range(order - 1, len(padded)):
                for n in range(order):
                    counts[tuple(padded[i - n : i])][padded[i]] += 1
        return cls(order, dict(counts))

    def _probability(self, context: tuple[str, ...], grapheme: str) -> float:
        lower = self._uniform if not context else self._probability(context[1:], grapheme)
        seen = self._seen.get(context)
        if seen is None:
            return lower
        total, types = seen
        return (self.counts[context].get(grapheme, 0) + types * lower) / (total + types)

    def _logprob(self, context: tuple[str, ...], grapheme: str) -> float:
        context = context[len(context) - (self.order - 1) :] if self.order > 1 else ()
        return math.log(self._probability(context, grapheme))

    def context(self, history: list[str]) -> tuple[str, ...]:
        """The padded context of the graphemes read so far."""
        padded = [START] * (self.order - 1) + history
        return tuple(padded[len(padded) - (self.order - 1) :]) if self.order > 1 else ()

    def perplexity(self, texts: Iterable[str]) -> float:
        """Per-grapheme perplexity on texts (lower is better)."""
        total, count = 0.0, 0
        for text in texts:
            history: list[str] = []
            for g in units(text):
                total -= self.logprob(self.context(history), g)
                history.append(g)
                count += 1
        return math.exp(total / count) if count else math.inf

    def save(self, path: Path) -> None:
        """Write the counts as JSON."""
        data = {
            "format": "archive-ocr char-ngram 1",
            "order": self.order,
            "counts": [[list(context), dict(following)]
                       for context, following in self.counts.items()],
        }  # fmt: skip
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CharLanguageModel:
        """Read a model written by :meth:`save`.

        A file is parsed once per process while its content stays the same
        (its sha256, a hundredth of the parsing's time): a command checks its
        ``--lm`` before work starts, and the decoder then gets the model
        already read.

        Raises:
            OSError: the file cannot be read (``FileNotFoundError`` if it is not there).
            ValueError: it is not such a model, or a damaged one, said in the message.
        """
        return _parsed(path.resolve(), file_sha256(path))

    @classmethod
    def _parse(cls, path: Path) -> CharLanguageModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:  # not UTF-8, or not JSON
            raise ValueError(f"{path} is not an archive-ocr character language model "
                             f"({err})") from None  # fmt: skip
        if not isinstance(data, dict) or data.get("format") != "archive-ocr char-ngram 1":
            raise ValueError(f"{path} is not an archive-ocr character language model")
        try:
            counts = {tuple(context): Counter(following) for context, following in data["counts"]}
            return cls(int(data["order"]), counts)
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{path}: a damaged language model ({err!r})") from None


@lru_cache(maxsize=2)
def _parsed(path: Path, sha256: str) -> CharLanguageModel:
    """:meth:`CharLanguageModel._parse`, once per content of a file."""
    del sha256  # only part of the cache key
    return CharLanguageModel._parse(path)


def usable_language_model(path: Path) -> Path:
    """``path``, once it has loaded as a character language model.

    Raises:
        ValueError: no file there, or one that is not such a model or is damaged.
    """
    try:
        CharLanguageModel.load(path)
    except OSError:
        raise ValueError(f"no language model at {path}") from None
    return path
