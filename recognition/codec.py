"""The character codec: graphemes to CTC labels and back, kept apart from the model.

Text is NFC-normalised and split into extended grapheme clusters, so ``uͤ``
(u + combining small e) or ``ñ`` is one symbol, as a reader sees it. The
private-use ligatures of OCR-D ground truth (MUFI ``ſt`` U+EADA …) are read as
the letters they join (:data:`~recognition.normalization.PRIVATE_USE`), so a
new codec never holds them. A codec that learned them as symbols before this
rule keeps reading them as those symbols, so that fine-tuning its model does
not have to unlearn them (its CTC loss on such lines is six times higher with
the ligatures spelt out), and writes the letters (:attr:`Codec.texts`).

Label 0 is the CTC blank; symbols follow in the order they were added. A
grapheme the codec does not know is either dropped from the training target or
mapped to the replacement symbol ``�`` when the codec has one (the ``unknown``
policy).

A codec serialises to a plain list of symbols. When a model moves to a new
charset, :func:`remap_rows` carries the output rows of the symbols both
codecs share over to the new layout.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import regex

from recognition.normalization import spell_private_use

BLANK = 0
REPLACEMENT = "\ufffd"
UnknownPolicy = Literal["drop", "replace"]
_GRAPHEME = regex.compile(r"\X")


def graphemes(text: str) -> list[str]:
    """NFC text split into extended grapheme clusters."""
    found: list[str] = _GRAPHEME.findall(unicodedata.normalize("NFC", text))
    return found


def units(text: str) -> list[str]:
    """The graphemes of ``text`` as the codec reads them: private-use ligatures spelt out."""
    return graphemes(spell_private_use(text))


@dataclass(slots=True)
class Codec:
    """Maps graphemes to labels 1..N (0 is the CTC blank)."""

    symbols: list[str]
    unknown: UnknownPolicy = "drop"
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("codec symbols must be unique")
        self._index = {s: n + 1 for n, s in enumerate(self.symbols)}

    @classmethod
    def from_texts(cls, texts: Iterable[str], unknown: UnknownPolicy = "drop") -> Codec:
        """A codec of every grapheme in the texts, in order of first appearance.

        With ``unknown="replace"`` the replacement symbol is added as well.
        """
        seen: dict[str, None] = {}
        for text in texts:
            seen.update(dict.fromkeys(units(text)))
        if unknown == "replace":
            seen.setdefault(REPLACEMENT, None)
        return cls(list(seen), unknown)

    @property
    def texts(self) -> list[str]:
        """What each symbol is written as (label 1 first): private-use ligatures spelt out."""
        return [spell_private_use(symbol) for symbol in self.symbols]

    @property
    def classes(self) -> int:
        """Output classes of a model for this codec: the symbols plus the blank."""
        return len(self.symbols) + 1

    def _read(self, text: str) -> list[str]:
        """The text's graphemes as this codec reads them.

        A private-use ligature it holds stays one symbol; every other one is
        spelt out (:func:`units`).
        """
        read: list[str] = []
        for grapheme in graphemes(text):
            read += [grapheme] if grapheme in self._index else units(grapheme)
        return read

    def encode(self, text: str) -> list[int]:
        """Labels of the text's graphemes under the unknown-symbol policy."""
        labels = []
        fallback = self._index.get(REPLACEMENT) if self.unknown == "replace" else None
        for grapheme in self._read(text):
            label = self._index.get(grapheme, fallback)
            if label is not None:
                labels.append(label)
        return labels

    def decode(self, labels: Sequence[int]) -> str:
        """Text of a label sequence (blanks and out-of-range labels ignored), as written."""
        n = len(self.symbols)
        text = "".join(self.symbols[label - 1] for label in labels if 0 < label <= n)
        return spell_private_use(text)

    def unknown_graphemes(self, text: str) -> set[str]:
        """Graphemes of the text that the codec lacks."""
        return {g for g in self._read(text) if g not in self._index}

    def to_json(self) -> dict[str, object]:
        """Plain form, stored with the model."""
        return {"symbols": list(self.symbols), "unknown": self.unknown, "blank": BLANK}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Codec:
        """Inverse of :meth:`to_json`."""
        symbols = data["symbols"]
        if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
            raise ValueError("codec symbols must be a list of strings")
        unknown = data.get("unknown", "drop")
        if unknown not in ("drop", "replace"):
            raise ValueError(f"unknown policy {unknown!r}")
        return cls(list(symbols), unknown)


def remap_rows(old: Codec, new: Codec) -> list[int | None]:
    """For each output row of ``new``, the row of ``old`` holding the same symbol, or None.

    Row 0 (the blank) maps to row 0.
    """
    old_rows = {s: n + 1 for n, s in enumerate(old.symbols)}
    return [BLANK, *(old_rows.get(s) for s in new.symbols)]
