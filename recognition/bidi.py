"""Right-to-left lines: the order the recogniser reads in, and the order text is kept in.

A CTC recogniser reads a line image from left to right, so it is trained on,
and emits, the *display* order of the characters. Text is stored, compared and
written in *logical* order, the order in which it is typed. For Arabic and
Hebrew the two differ: right-to-left runs are reversed on the line, while
numbers and Latin words inside them keep their left-to-right order.

This module implements the implicit part of the Unicode Bidirectional
Algorithm (UAX #9) that a line of text needs, without explicit embeddings or
isolates: character classes (strong left-to-right, strong right-to-left,
numbers with their separators and terminators, neutrals), neutrals between two
runs of one direction taking it and others the line's (N1, N2), the implicit
levels (I1, I2), and the reordering (L2: from the highest level down to the
lowest odd one, reverse every run at that level or above). It works on
graphemes, so combining marks (Arabic harakat, Hebrew points) stay on their
letters.

The line's direction is that of the majority of its strong characters (UAX #9
takes the first; the majority is the same in both orders, so a line read from
an image gets the direction its text has). On a right-to-left line the
reordering is its own inverse: :func:`reorder` maps logical to display
order and back. On a left-to-right line that is true unless a number follows
a right-to-left run directly (its level then depends on the order).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Literal

from recognition.codec import graphemes

LineDirection = Literal["ltr", "rtl"]

_STRONG_RTL = frozenset({"R", "AL"})
_NUMBER = frozenset({"EN", "AN"})
_SEPARATOR = frozenset({"ES", "CS"})
_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def _kind(grapheme: str) -> str:
    """``L``, ``R``, ``N`` (number) or ``-`` (neutral) for a grapheme's base character."""
    cls = unicodedata.bidirectional(grapheme[0])
    if cls == "L":
        return "L"
    if cls in _STRONG_RTL:
        return "R"
    if cls in _NUMBER:
        return "N"
    return cls if cls in _SEPARATOR or cls == "ET" else "-"


def line_direction(text: str) -> LineDirection:
    """``rtl`` when most of the strong characters of ``text`` are right-to-left."""
    kinds = [_kind(g) for g in graphemes(text)]
    return "rtl" if kinds.count("R") > kinds.count("L") else "ltr"


def _numbers(kinds: list[str]) -> list[str]:
    """Separators between digits and terminators beside them join the number (W4, W5)."""
    out = list(kinds)
    for i, kind in enumerate(kinds):
        before = out[i - 1] if i > 0 else ""
        after = kinds[i + 1] if i + 1 < len(kinds) else ""
        if kind in _SEPARATOR:
            out[i] = "N" if before == "N" and after == "N" else "-"
        elif kind == "ET":
            out[i] = "N" if "N" in (before, after) else "-"
    return out


def _levels(kinds: list[str], base: int) -> list[int]:
    """Embedding levels (0, 1 or 2) of the resolved classes on a line of ``base`` level."""
    levels = [base] * len(kinds)
    last_strong = "R" if base else "L"
    for i, kind in enumerate(kinds):
        if kind == "L":
            levels[i] = 2 if base else 0
        elif kind == "R":
            levels[i] = 1
        elif kind == "N":
            levels[i] = 2 if base or last_strong == "R" else 0
        if kind in ("L", "R"):
            last_strong = kind
    _resolve_neutrals(kinds, levels, base)
    return levels


def _resolve_neutrals(kinds: list[str], levels: list[int], base: int) -> None:
    """Neutrals between two runs of one direction take it; others the line's (N1, N2)."""
    edge = "R" if base else "L"
    direction = ["R" if k == "N" else k for k in kinds]  # numbers count as right-to-left
    i = 0
    while i < len(kinds):
        if direction[i] != "-":
            i += 1
            continue
        end = i
        while end < len(kinds) and direction[end] == "-":
            end += 1
        before = direction[i - 1] if i > 0 else edge
        after = direction[end] if end < len(kinds) else edge
        level = base
        if before == after:
            level = 1 if before == "R" else (2 if base else 0)
        levels[i:end] = [level] * (end - i)
        i = end


def arrange(units: Sequence[str], direction: LineDirection) -> list[tuple[int, str]]:
    """Graphemes in display order: for each place, the index it comes from and its form.

    Brackets on right-to-left levels are mirrored (rule L4: a logical ``(``
    shows as ``)``), so a label says what the image shows. Applied to display
    order it gives back the logical order (see the module's note).
    """
    base = 1 if direction == "rtl" else 0
    levels = _levels(_numbers([_kind(u) for u in units]), base)
    return [(i, units[i].translate(_MIRROR) if levels[i] % 2 else units[i])
            for i in _reversed_runs(levels)]  # fmt: skip


def _reversed_runs(levels: list[int]) -> list[int]:
    """Rule L2 on indices: from the highest level down, reverse every run at or above it."""
    order = list(range(len(levels)))
    if not levels:
        return order
    for level in range(max(levels), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            end = i
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[i:end] = order[i:end][::-1]
            i = end
    return order


def has_rtl(text: str) -> bool:
    """Whether ``text`` has a right-to-left letter (else display order is logical order)."""
    return any(unicodedata.bidirectional(char) in _STRONG_RTL for char in text)


def reorder(text: str, direction: LineDirection | None = None) -> str:
    """``text`` in display order (or, applied to display order, back in logical order)."""
    if not has_rtl(text):
        return text
    units = graphemes(text)
    return "".join(form for _, form in arrange(units, direction or line_direction(text)))
