"""Load page scans of every format archives hold, one greyscale page at a time.

Reads TIFF (multi-page; 1, 8 and 16 bit; uncompressed, LZW, Deflate, JPEG and
CCITT G4), JPEG (EXIF orientation applied; CMYK), PNG (palette, alpha), JPEG
2000 and WebP. Every page comes out as 8-bit greyscale with its resolution:
from the file's metadata where it gives a plausible one, else estimated from
the page size. The pixel count is checked from the header, before anything
is decoded, against a configurable limit. Each failure raises a typed
:class:`~layout.images.errors.ImageLoadError`.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from layout.images.errors import (
    CorruptImageError,
    EmptyImageError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
    UnsupportedImageError,
)
from layout.images.sniffing import looks_truncated, magic_format

DEFAULT_MAX_PIXELS = 200_000_000  # a 600 dpi A2 scan is about 140 MP
SUPPORTED_FORMATS = frozenset({"TIFF", "JPEG", "PNG", "JPEG2000", "WEBP", "BMP", "GIF", "PPM"})
# Resolutions below this are "unknown" written as a number (72 and 96 dpi defaults).
MIN_PLAUSIBLE_DPI = 100.0
# Long side, in inches, assumed for a page whose file gives no resolution (A4).
ASSUMED_LONG_SIDE_INCHES = 11.7

# Our own check (``max_pixels``, from the header, before decoding) replaces Pillow's;
# should another library set Pillow's limit again, its error is reported the same way.
Image.MAX_IMAGE_PIXELS = None

_KNOWN_UNSUPPORTED = (
    (b"%PDF", "PDF"),
    (b"AT&TFORM", "DjVu"),
    (b"8BPS", "Photoshop"),
)


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page: 8-bit greyscale pixels, resolution, and where it came from."""

    pixels: np.ndarray
    dpi: float
    dpi_estimated: bool
    page_index: int
    page_count: int
    source_format: str
    source_mode: str

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])


def _sniff(data: bytes) -> ImageLoadError:
    """The error for bytes that no image decoder recognised."""
    fmt = magic_format(data)
    if fmt is not None:
        if looks_truncated(data):
            return TruncatedImageError(f"the {fmt} file is cut short ({len(data):,} bytes)")
        return CorruptImageError(f"the {fmt} file's header cannot be read")
    return _foreign(data)


def _foreign(data: bytes) -> ImageLoadError:
    """The error for a file that does not start like any image we read."""
    head = data[:64]
    for magic, name in _KNOWN_UNSUPPORTED:
        if head.startswith(magic):
            return UnsupportedImageError(f"{name} files are not supported; export page images")
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return UnsupportedImageError("HEIF/AVIF images are not supported; convert to TIFF or JPEG")
    text = head.lstrip().lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:1024].lower():
        return UnsupportedImageError("SVG is a vector format; export a raster page image")
    if text.startswith((b"<", b"{", b"[")) or _looks_like_text(head):
        return NotAnImageError("the file holds text, not an image")
    return NotAnImageError("the file is not in any image format we know")


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c >= 9 for c in head)


def _to_grey(frame: Image.Image) -> np.ndarray:
    """8-bit greyscale of any Pillow mode; transparency becomes white paper."""
    mode = frame.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        wide = np.asarray(frame, dtype=np.uint32)
        top = 65535 if mode != "I" or wide.max() > 255 else 255
        return (wide.astype(np.float64) * (255.0 / top)).round().clip(0, 255).astype(np.uint8)
    if mode == "F":
        flt = np.nan_to_num(np.asarray(frame, dtype=np.float64))
        lo, hi = float(flt.min()), float(flt.max())
        scaled = (flt - lo) / (hi - lo) * 255 if hi > lo else np.zeros_like(flt)
        return scaled.round().astype(np.uint8)
    if mode == "P":
        frame = frame.convert("RGBA")
    if frame.mode in ("RGBA", "LA", "PA"):
        white = Image.new("RGBA", frame.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, frame.convert("RGBA"))
    return np.asarray(frame.convert("L"), dtype=np.uint8)


def _dpi(frame: Image.Image, size: tuple[int, int]) -> tuple[float, bool]:
    raw = frame.info.get("dpi") or frame.info.get("resolution")
    try:
        value = float(raw[0]) if raw else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if MIN_PLAUSIBLE_DPI <= value <= 4800:
        return value, False
    return max(size) / ASSUMED_LONG_SIDE_INCHES, True


def _too_large(err: Exception, max_pixels: int) -> ImageTooLargeError:
    return ImageTooLargeError(f"the image is over the limit of {max_pixels:,} pixels: {err}")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    if not data:
        raise EmptyImageError("the file is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # corrupt EXIF, bomb size: handled below
            image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as err:
        raise _sniff(data) from err
    except Image.DecompressionBombError as err:  # where another library set Pillow's limit
        raise _too_large(err, max_pixels) from err
    except (OSError, SyntaxError, ValueError) as err:
        raise _damage(data, f"unreadable image header: {err}") from err
    if image.format not in SUPPORTED_FORMATS:
        raise UnsupportedImageError(f"{image.format} images are not supported")
    return image


def _damage(data: bytes, detail: str) -> ImageLoadError:
    """Truncated or corrupt, by the file's own structure."""
    if looks_truncated(data):
        return TruncatedImageError(f"the file is cut short ({len(data):,} bytes): {detail}")
    return CorruptImageError(f"the image data cannot be decoded: {detail}")


def _decode(frame: Image.Image, fmt: str, data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame.load()
            return ImageOps.exif_transpose(frame) if fmt == "JPEG" else frame
    except Image.DecompressionBombError as err:
        raise _too_large(err, max_pixels) from err
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        if "truncated" in str(err).lower():
            raise TruncatedImageError(f"the file is cut short: {err}") from err
        raise _damage(data, str(err)) from err


def load_pages(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[PageImage]:
    """Yield every page of an image file as greyscale, first page first.

    Raises:
        ImageLoadError: a subclass naming why the file, or a page of it, failed.
    """
    image = _open(data, max_pixels)
    fmt = str(image.format)
    count = int(getattr(image, "n_frames", 1))
    for index in range(count):
        try:
            image.seek(index)
        except EOFError as err:
            raise TruncatedImageError(f"page {index + 1} of {count} is missing") from err
        width, height = image.size
        if width * height > max_pixels:
            raise ImageTooLargeError(
                f"page {index + 1} has {width}x{height} = {width * height:,} pixels, "
                f"over the limit of {max_pixels:,}; raise max_pixels if the scan is genuine"
            )
        if width == 0 or height == 0:
            raise CorruptImageError(f"page {index + 1} has no pixels ({width}x{height})")
        frame = _decode(image, fmt, data, max_pixels)
        pixels = _to_grey(frame)
        dpi, estimated = _dpi(frame, frame.size)
        yield PageImage(pixels, dpi, estimated, index, count, fmt, image.mode)


def load_first_page(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> PageImage:
    """The first page of an image file (see :func:`load_pages`)."""
    return next(load_pages(data, max_pixels))
