"""Typed errors for page images, each with a message an archivist can act on."""

from __future__ import annotations


class ImageLoadError(Exception):
    """A page image could not be loaded; ``reason`` is a short machine-readable code."""

    reason = "unreadable"


class EmptyImageError(ImageLoadError):
    """The file has zero bytes."""

    reason = "empty"


class TruncatedImageError(ImageLoadError):
    """The file ends before the image data does (an interrupted copy or upload)."""

    reason = "truncated"


class CorruptImageError(ImageLoadError):
    """The file is an image format we know, but its data cannot be decoded."""

    reason = "corrupt"


class NotAnImageError(ImageLoadError):
    """The file is not an image at all (text, XML, an archive …)."""

    reason = "not-an-image"


class UnsupportedImageError(ImageLoadError):
    """The file is an image or document format that we do not read (PDF, HEIC, SVG …)."""

    reason = "unsupported"


class ImageTooLargeError(ImageLoadError):
    """The image has more pixels than the configured limit (a decompression-bomb guard)."""

    reason = "too-large"
