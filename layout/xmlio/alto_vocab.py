"""ALTO vocabularies: block elements, region kinds and hyphenation marks.

ALTO has three block elements where PAGE has many region kinds; kinds other
than text and image are written as ``GraphicalElement`` tagged by an
``OtherTag TYPE="region kind"`` whose label is the kind, so that a PAGE
``SeparatorRegion`` comes back as a separator.
"""

from __future__ import annotations

from layout.document import RegionKind

BLOCK_KINDS: dict[str, RegionKind] = {
    "TextBlock": "text",
    "Illustration": "image",
    "GraphicalElement": "graphic",
}
KIND_TAG_TYPE = "region kind"
REGION_TYPE_TAG = "block type"
LINE_TYPE_TAG = "line type"
HYPHEN_TAG = "HYP"

# Characters that mark a word broken at the end of a line.
HYPHENS = frozenset({"-", "⸗", "¬", "\u00ad", "‐", "="})


def block_element(kind: RegionKind) -> str:
    """The ALTO element that holds a region of this kind."""
    if kind == "text":
        return "TextBlock"
    return "Illustration" if kind == "image" else "GraphicalElement"
