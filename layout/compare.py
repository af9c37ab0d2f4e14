"""Structural comparison of two pages: what a round trip through XML must preserve.

Compared: page size, the effective reading order, and for each region its ID,
kind, type, outline and lines; for each line its ID, outline, baseline, text
and direction. Outlines are compared in whole pixels (consecutive duplicate
points dropped), and two axis-aligned boxes are equal whatever corner they
start from. Coordinates outside the page are clamped to it first, as the
writers do. An outline the first page lacks may be filled in on the second
(the writers give regions without one the box of their lines); words,
confidences and dates are not compared.
"""

from __future__ import annotations

from layout.document import Page, Region, TextLine
from layout.geometry import Points, bounding_box, clamp_points, is_box, round_points

Size = tuple[int, int]


def same_outline(a: Points | None, b: Points | None, size: Size) -> bool:
    """Whether outline ``b`` keeps outline ``a`` in whole pixels (anything keeps none).

    ``a`` is first clamped to the page of ``size``, as the writers clamp it.
    """
    ra = round_points(clamp_points(a or (), *size))
    rb = round_points(b or ())
    if not ra:
        return True
    if ra == rb:
        return True
    fa = [(float(x), float(y)) for x, y in ra]
    fb = [(float(x), float(y)) for x, y in rb]
    return bool(fa and fb) and is_box(fa) and is_box(fb) and bounding_box(fa) == bounding_box(fb)


def _line_differences(where: str, a: TextLine, b: TextLine, size: Size) -> list[str]:
    out = []
    if a.id != b.id:
        out.append(f"{where}: line id {a.id!r} != {b.id!r}")
    if a.text != b.text:
        out.append(f"{where} {a.id}: text {a.text!r} != {b.text!r}")
    if not same_outline(a.polygon, b.polygon, size):
        out.append(f"{where} {a.id}: polygon differs")
    if not same_outline(a.baseline, b.baseline, size):
        out.append(f"{where} {a.id}: baseline differs")
    if a.direction != b.direction:
        out.append(f"{where} {a.id}: direction {a.direction} != {b.direction}")
    return out


def _region_differences(a: Region, b: Region, size: Size) -> list[str]:
    where = f"region {a.id}"
    out = []
    if (a.id, a.kind, a.type) != (b.id, b.kind, b.type):
        out.append(
            f"{where}: (id, kind, type) {(a.id, a.kind, a.type)} != {(b.id, b.kind, b.type)}"
        )
    if not same_outline(a.polygon, b.polygon, size):
        out.append(f"{where}: polygon differs")
    if len(a.lines) != len(b.lines):
        out.append(f"{where}: {len(a.lines)} lines != {len(b.lines)}")
    for la, lb in zip(a.lines, b.lines, strict=False):
        out.extend(_line_differences(where, la, lb, size))
    return out


def page_differences(a: Page, b: Page) -> list[str]:
    """Readable differences between two pages; empty when they are equal."""
    out = []
    if (a.width, a.height) != (b.width, b.height):
        out.append(f"page size {a.width}x{a.height} != {b.width}x{b.height}")
    order_a = [r.id for r in a.ordered_regions()]
    order_b = [r.id for r in b.ordered_regions()]
    if order_a != order_b:
        out.append(f"reading order {order_a} != {order_b}")
    regions_b = {r.id: r for r in b.regions}
    for region in a.regions:
        other = regions_b.get(region.id)
        if other is None:
            out.append(f"region {region.id} missing")
        else:
            out.extend(_region_differences(region, other, (a.width, a.height)))
    out.extend(f"region {r.id} added" for r in b.regions if r.id not in {x.id for x in a.regions})
    return out
