"""Word boxes for lines that have text but no word segmentation.

ALTO is read word by word, so a line must never reach it as one blob or, worse,
not at all. When a line has text but no words (line-level ground truth, a
recogniser without character positions), its box is shared among the words in
proportion to their length in graphemes, from the left for left-to-right lines
and from the right for right-to-left ones.
"""

from __future__ import annotations

import regex

from layout.document import TextLine, Word
from layout.geometry import Box

_GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """Number of user-perceived characters (a base letter with its combining marks is one)."""
    return len(_GRAPHEME.findall(text))


def words_match_text(line: TextLine) -> bool:
    """Whether the line's words, joined by single spaces, spell its text."""
    return bool(line.words) and " ".join(w.text for w in line.words) == line.text


def split_words(text: str) -> list[str]:
    """Split on single spaces, keeping runs of spaces on the neighbouring word.

    ``" ".join(split_words(t)) == t`` for every text with a non-space
    character, so double spaces in diplomatic transcriptions survive ALTO.
    """
    words: list[str] = []
    lead = ""
    for part in text.split(" "):
        if not part:
            if words:
                words[-1] += " "
            else:
                lead += " "
            continue
        words.append(lead + part)
        lead = ""
    return words


def estimate_words(line: TextLine) -> list[Word]:
    """Split ``line.text`` on spaces and give each word a share of the line's box.

    Returns no words for a line without text or geometry. Confidence is the
    line's, since nothing finer is known.
    """
    box = line.box()
    tokens = split_words(line.text)
    if box is None or not tokens:
        return []
    units = [grapheme_count(t) for t in tokens]
    total = sum(units) + len(tokens) - 1  # one unit for each space between words
    step = box.width / total if total else 0.0
    words: list[Word] = []
    offset = 0.0
    for token, size in zip(tokens, units, strict=True):
        start, end = offset, offset + size * step
        if line.direction == "rtl":
            x0, x1 = box.x1 - end, box.x1 - start
        else:
            x0, x1 = box.x0 + start, box.x0 + end
        part = Box(x0, box.y0, x1, box.y1)
        words.append(Word(text=token, polygon=part.corners(), confidence=line.confidence))
        offset = end + step
    return words
