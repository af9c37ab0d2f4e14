"""Character and word error rates over grapheme clusters.

A character is a user-perceived character (Unicode extended grapheme
cluster): ``e`` with a combining small e counts once, as in dinglehopper.
Distances are Levenshtein distances; rates divide by the reference length.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from recognition.codec import graphemes, units

__all__ = ["EditCount", "char_errors", "graphemes", "word_errors", "words"]


def words(text: str) -> list[str]:
    """The text split on white space."""
    return text.split()


@dataclass(frozen=True, slots=True)
class EditCount:
    """Edit distance and reference length; rates add up over many of these."""

    errors: int
    length: int

    @property
    def rate(self) -> float:
        """Errors / length; 0 for two empty texts, 1 per error when the reference is empty."""
        if self.length == 0:
            return 0.0 if self.errors == 0 else 1.0
        return self.errors / self.length

    def __add__(self, other: EditCount) -> EditCount:
        return EditCount(self.errors + other.errors, self.length + other.length)


def char_errors(prediction: str, reference: str) -> EditCount:
    """Grapheme-level edit distance from prediction to reference, both read as the codec reads.

    Private-use ligatures count as the letters they join on either side, so a
    reference that writes ``ſt`` as U+EADA scores a model that writes ``ſt``.
    """
    ref = units(reference)
    return EditCount(Levenshtein.distance(units(prediction), ref), len(ref))


def word_errors(prediction: str, reference: str) -> EditCount:
    """Word-level edit distance from prediction to reference."""
    ref = words(reference)
    return EditCount(Levenshtein.distance(words(prediction), ref), len(ref))
