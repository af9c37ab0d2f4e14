"""Recognise image formats by their magic bytes and tell truncated files from corrupt ones.

Decoders report a cut-short file in many ways, or not at all (a TIFF whose
directory sat at the end of the file is simply "not an image" to Pillow).
These checks look at the file's own structure instead.
"""

from __future__ import annotations

import struct

_MAGIC = (
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG2000"),
    (b"\xff\x4f\xff\x51", "JPEG2000"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


def magic_format(data: bytes) -> str | None:
    """The image format that the file's first bytes announce, or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _MAGIC if data.startswith(magic)), None)


def looks_truncated(data: bytes) -> bool:
    """Whether a file of a recognised format ends before its own structure says it should."""
    fmt = magic_format(data)
    tail = data.rstrip(b"\x00")
    if fmt in ("JPEG", "JPEG2000"):
        return not tail.endswith(b"\xff\xd9")
    if fmt == "PNG":
        return b"IEND" not in data[-16:]
    if fmt == "WEBP":
        declared: int = struct.unpack("<I", data[4:8])[0] if len(data) >= 8 else 0
        return len(data) < 8 or declared + 8 > len(data)
    if fmt == "TIFF" and data[2:4] in (b"*\x00", b"\x00*"):
        return _tiff_directory_cut(data)
    return False


def _tiff_directory_cut(data: bytes) -> bool:
    """Whether the first TIFF directory (classic TIFF) runs past the end of the file."""
    order = "<" if data[:2] == b"II" else ">"
    if len(data) < 8:
        return True
    offset: int = struct.unpack(f"{order}I", data[4:8])[0]
    if offset + 2 > len(data):
        return True
    entries: int = struct.unpack(f"{order}H", data[offset : offset + 2])[0]
    return offset + 2 + 12 * entries + 4 > len(data)
