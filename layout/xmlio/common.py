"""Small helpers that both the PAGE and the ALTO code use."""

from __future__ import annotations

import math
import re

from lxml import etree

from layout.document import Direction, Word
from layout.geometry import Points, bounding_box, clamp_points, round_points

PAGE_DIRECTIONS: dict[str, Direction] = {
    "left-to-right": "ltr",
    "right-to-left": "rtl",
    "top-to-bottom": "ttb",
    "bottom-to-top": "btt",
}
PAGE_DIRECTION_NAMES: dict[Direction, str] = {v: k for k, v in PAGE_DIRECTIONS.items()}


def local_name(element: etree._Element) -> str:
    """The element's tag without its namespace ('' for comments and other non-elements)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def float_attr(element: etree._Element, name: str) -> float | None:
    """A numeric attribute, or None when absent or not a finite number."""
    raw = element.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def word_outline(word: Word, line: Points) -> Points:
    """A word's polygon, or the line's box when it has none."""
    if len(word.polygon) >= 3:
        return word.polygon
    return bounding_box(line).corners() if line else word.polygon


def pixel_points(points: Points, width: int, height: int) -> list[tuple[int, int]]:
    """Points clamped to the page and rounded to whole pixels, never fewer than two."""
    rounded = round_points(clamp_points(points, width, height))
    if len(rounded) == 1:
        rounded.append(rounded[0])
    return rounded


_STRUCTURE_TYPE = re.compile(r"structure\s*\{[^}]*?\btype\s*:\s*([^;}]+)")


def custom_structure_type(custom: str | None) -> str | None:
    """The ``type`` in a PAGE ``custom="structure {type:...;}"`` attribute."""
    if not custom:
        return None
    match = _STRUCTURE_TYPE.search(custom)
    return match.group(1).strip() if match else None


def format_confidence(value: float) -> str:
    """A confidence in [0, 1] as text, clamped and to four decimals."""
    return f"{min(max(value, 0.0), 1.0):.4f}".rstrip("0").rstrip(".") or "0"
