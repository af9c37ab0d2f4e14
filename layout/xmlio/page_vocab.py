"""PAGE-XML vocabularies: region elements and region types.

Region types from eScriptorium and SegmOnto (``MainZone``, ``MarginTextZone``
…) have no place in PAGE's closed ``type`` list; they are written as the
nearest PAGE type plus ``custom="structure {type:MainZone;}"``, which the
reader prefers, so nothing is lost either way.
"""

from __future__ import annotations

from layout.document import RegionKind

REGION_ELEMENTS: dict[str, RegionKind] = {
    "TextRegion": "text",
    "ImageRegion": "image",
    "MapRegion": "image",
    "AdvertRegion": "image",
    "GraphicRegion": "graphic",
    "LineDrawingRegion": "graphic",
    "SeparatorRegion": "separator",
    "TableRegion": "table",
    "ChartRegion": "chart",
    "MathsRegion": "maths",
    "ChemRegion": "maths",
    "MusicRegion": "music",
    "NoiseRegion": "noise",
    "UnknownRegion": "unknown",
    "CustomRegion": "unknown",
}

KIND_ELEMENTS: dict[RegionKind, str] = {
    "text": "TextRegion",
    "image": "ImageRegion",
    "graphic": "GraphicRegion",
    "separator": "SeparatorRegion",
    "table": "TableRegion",
    "chart": "ChartRegion",
    "maths": "MathsRegion",
    "music": "MusicRegion",
    "noise": "NoiseRegion",
    "unknown": "UnknownRegion",
}

TEXT_REGION_TYPES = frozenset(
    {
        "paragraph", "heading", "caption", "header", "footer", "page-number", "drop-capital",
        "credit", "floating", "signature-mark", "catch-word", "marginalia", "footnote",
        "footnote-continued", "endnote", "TOC-entry", "list-label", "other",
    }
)  # fmt: skip

# SegmOnto zone names (eScriptorium) mapped to the nearest PAGE text-region type.
SEGMONTO_TO_PAGE = {
    "MainZone": "paragraph",
    "MarginTextZone": "marginalia",
    "NumberingZone": "page-number",
    "RunningTitleZone": "header",
    "DropCapitalZone": "drop-capital",
    "QuireMarksZone": "signature-mark",
    "TitlePageZone": "heading",
}


def page_region_type(region_type: str | None) -> tuple[str | None, str | None]:
    """PAGE's ``type`` and ``custom`` attribute values for a region type."""
    if region_type is None:
        return None, None
    if region_type in TEXT_REGION_TYPES:
        return region_type, None
    base = region_type.split(":", 1)[0]
    mapped = SEGMONTO_TO_PAGE.get(base, "other")
    return mapped, f"structure {{type:{region_type};}}"
