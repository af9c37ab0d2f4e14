"""A character n-gram language model for CTC beam search.

Counts of graphemes after contexts of up to ``order - 1`` graphemes,
interpolated down to a uniform distribution so that every grapheme keeps some
probability: with Kneser-Ney smoothing (the default; a fixed discount, and
the shorter contexts counted by how many different graphemes precede them)
or Witten-Bell (the models fitted before it). Fitted on transcriptions
(training lines or any period text) read as the codec reads them (private-use
ligatures spelt out), and stored as JSON beside a model (gzip-compressed when
the file name ends in ``.gz``); never pickled.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from recognition.codec import units
from recognition.models import language_model_file, shipped_language_models
from recognition.weights import file_sha256

START = "\x02"
"""Context padding before the first grapheme of a line."""

FORMAT = "archive-ocr char-ngram 2"
"""Written since Kneser-Ney came, with the smoothing and discount; version 1 files are Witten-Bell.

A new version, so that a reader that knows only version 1 refuses these
files rather than reading Kneser-Ney counts as Witten-Bell ones.
"""
FORMATS = ("archive-ocr char-ngram 1", FORMAT)
Smoothing = Literal["kneser-ney", "witten-bell"]
SMOOTHINGS: tuple[Smoothing, ...] = get_args(Smoothing)
DISCOUNT = 0.9
"""Kneser-Ney's discount: tuned on the held-out lines of ``latin-base`` (0.75, 1.0 read worse)."""
MIN_COUNT = 2
"""Contexts of three or more graphemes seen fewer times than this are left out of a fit."""


class CharLanguageModel:
    """P(grapheme | previous graphemes), Kneser-Ney or Witten-Bell interpolated.

    ``counts`` holds, per context, the counts the smoothing interpolates: for
    Witten-Bell the graphemes seen after it; for Kneser-Ney those too after
    the longest contexts, and after shorter ones how many different
    graphemes came before the context and the grapheme (continuation counts).
    """

    def __init__(
        self,
        order: int,
        counts: dict[tuple[str, ...], Counter[str]],
        smoothing: Smoothing = "witten-bell",
        discount: float = DISCOUNT,
    ) -> None:
        if smoothing not in SMOOTHINGS:
            raise ValueError(f"unknown smoothing {smoothing!r} (one of {', '.join(SMOOTHINGS)})")
        if not 0 < discount <= 1:
            raise ValueError("the discount must be above 0 and at most 1")
        self.order = order
        self.counts = counts
        self.smoothing: Smoothing = smoothing
        self.discount = discount
        self.vocabulary = {g for following in counts.values() for g in following}
        self._uniform = 1.0 / (len(self.vocabulary) + 1)
        # per context: the total of its counts, and how many graphemes it has counts of
        self._seen = {context: (sum(following.values()), len(following))
                      for context, following in counts.items() if following}  # fmt: skip
        self.logprob = lru_cache(maxsize=200_000)(self._logprob)

    @classmethod
    def fit(
        cls,
        texts: Iterable[str],
        order: int = 7,
        *,
        smoothing: Smoothing = "kneser-ney",
        discount: float = DISCOUNT,
        min_count: int = 1,
    ) -> CharLanguageModel:
        """Count every context of 0 to ``order - 1`` graphemes in the texts.

        ``min_count`` above 1 leaves out the contexts of three or more
        graphemes seen fewer times (their graphemes are then scored by the
        shorter contexts): a smaller file that reads almost as well.
        """
        if order < 1:
            raise ValueError("order must be at least 1")
        seen: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for text in texts:
            padded = [START] * (order - 1) + units(text)
            for i in range(order - 1, len(padded)):
                for n in range(order):
                    seen[tuple(padded[i - n : i])][padded[i]] += 1
        counts = _continuation_counts(seen, order) if smoothing == "kneser-ney" else dict(seen)
        if min_count > 1:
            counts = {context: following for context, following in counts.items()
                      if len(context) < 3 or seen[context].total() >= min_count}  # fmt: skip
        return cls(order, counts, smoothing, discount)

    def _probability(self, context: tuple[str, ...], grapheme: str) -> float:
        lower = self._uniform if not context else self._probability(context[1:], grapheme)
        seen = self._seen.get(context)
        if seen is None:
            return lower
        total, types = seen
        count = self.counts[context].get(grapheme, 0)
        if self.smoothing == "kneser-ney":
            return (max(count - self.discount, 0.0) + self.discount * types * lower) / total
        return (count + types * lower) / (total + types)

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
        """Write the counts as JSON, gzip-compressed when the name ends in ``.gz``."""
        data = {
            "format": FORMAT,
            "order": self.order,
            "smoothing": self.smoothing,
            "discount": self.discount,
            "counts": [[list(context), dict(following)]
                       for context, following in self.counts.items()],
        }  # fmt: skip
        text = json.dumps(data, ensure_ascii=False).encode("utf-8")
        # mtime 0: the same model makes the same bytes (and sha256)
        path.write_bytes(gzip.compress(text, mtime=0) if path.name.endswith(".gz") else text)

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
        raw = path.read_bytes()
        try:
            data = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
        except (ValueError, OSError, EOFError) as err:  # not UTF-8 or JSON; a damaged gzip
            raise ValueError(f"{path} is not an archive-ocr character language model "
                             f"({err})") from None  # fmt: skip
        if not isinstance(data, dict) or data.get("format") not in FORMATS:
            raise ValueError(f"{path} is not an archive-ocr character language model")
        try:
            counts = {tuple(context): Counter(following) for context, following in data["counts"]}
            # version 1 files, fitted before Kneser-Ney came, name no smoothing
            return cls(int(data["order"]), counts, data.get("smoothing", "witten-bell"),
                       float(data.get("discount", DISCOUNT)))  # fmt: skip
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{path}: a damaged language model ({err!r})") from None


def _continuation_counts(
    seen: dict[tuple[str, ...], Counter[str]], order: int
) -> dict[tuple[str, ...], Counter[str]]:
    """Kneser-Ney's counts: the longest contexts' as seen, continuation counts below.

    A shorter context's count of a grapheme is how many different graphemes
    preceded the two. Lines are padded with ``START``, so every shorter
    context was seen with one before it and gets counts of its own.
    """
    counts: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for context, following in seen.items():
        if len(context) == order - 1:
            counts[context] = following
        if context:
            for grapheme in following:
                counts[context[1:]][grapheme] += 1
    return dict(counts)


@lru_cache(maxsize=2)
def _parsed(path: Path, sha256: str) -> CharLanguageModel:
    """:meth:`CharLanguageModel._parse`, once per content of a file."""
    del sha256  # only part of the cache key
    return CharLanguageModel._parse(path)


def usable_language_model(value: str | Path) -> Path:
    """The file ``value`` names (a path or a shipped model's name), once it has loaded.

    Raises:
        ValueError: no file there (the message lists the shipped language
            models), or one that is not such a model or is damaged.
    """
    path = language_model_file(value)
    try:
        CharLanguageModel.load(path)
    except OSError:
        raise ValueError(f"no language model at {path}; shipped: "
                         f"{shipped_language_models()}") from None  # fmt: skip
    return path
