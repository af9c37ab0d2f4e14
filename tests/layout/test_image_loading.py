"""Loading page scans: every format archives hold, and a clear error for every failure."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from layout.images.errors import (
    CorruptImageError,
    EmptyImageError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
    UnsupportedImageError,
)
from layout.images.loading import load_first_page, load_pages
from tests.factories import png_claiming


def page_pixels(width: int = 300, height: int = 400) -> np.ndarray:
    """A grey page with a dark block near the top left, so orientation is visible."""
    arr = np.full((height, width), 230, np.uint8)
    arr[20:60, 10:110] = 20
    return arr


def encode(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


GREY = Image.fromarray(page_pixels())
FORMATS = {
    "tiff-none": (GREY, {"format": "TIFF"}),
    "tiff-lzw": (GREY, {"format": "TIFF", "compression": "tiff_lzw"}),
    "tiff-deflate": (GREY, {"format": "TIFF", "compression": "tiff_adobe_deflate"}),
    "tiff-jpeg": (GREY.convert("RGB"), {"format": "TIFF", "compression": "jpeg"}),
    "tiff-g4": (GREY.point(lambda v: 255 if v > 128 else 0).convert("1"),
                {"format": "TIFF", "compression": "group4"}),
    "jpeg": (GREY, {"format": "JPEG", "quality": 95}),
    "png": (GREY, {"format": "PNG"}),
    "png-palette": (GREY.convert("P"), {"format": "PNG"}),
    "jpeg2000": (GREY, {"format": "JPEG2000"}),
    "webp": (GREY, {"format": "WEBP", "lossless": True}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_loads_as_the_same_grey_page(name: str) -> None:
    image, options = FORMATS[name]
    page = load_first_page(encode(image, **options))
    assert page.pixels.dtype == np.uint8
    assert page.size == (300, 400)
    dark = page.pixels[30:50, 20:100].mean()
    paper = page.pixels[200:300, 100:200].mean()
    assert dark < 60 and paper > 200, (name, dark, paper)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_cut_short_is_reported_truncated(name: str) -> None:
    image, options = FORMATS[name]
    data = encode(image, **options)
    for cut in (len(data) * 2 // 3, 40):
        with pytest.raises(TruncatedImageError):
            list(load_pages(data[:cut]))


def test_multipage_tiff_gives_every_page() -> None:
    pages = [Image.fromarray(np.full((50, 40), v, np.uint8)) for v in (10, 120, 240)]
    data = encode(pages[0], format="TIFF", save_all=True, append_images=pages[1:])
    loaded = list(load_pages(data))
    assert [p.page_index for p in loaded] == [0, 1, 2]
    assert [p.page_count for p in loaded] == [3, 3, 3]
    assert [int(p.pixels.mean()) for p in loaded] == [10, 120, 240]


def test_sixteen_bit_master_scales_to_eight_bit() -> None:
    wide = np.zeros((20, 30), np.uint16)
    wide[:, 15:] = 65535
    wide[:10, :15] = 32896  # 128 * 257
    page = load_first_page(encode(Image.fromarray(wide), format="TIFF"))
    assert page.pixels[0, 0] == 128 and page.pixels[0, 20] == 255 and page.pixels[15, 0] == 0


def test_alpha_becomes_white_paper() -> None:
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5] = (0, 0, 0, 255)  # opaque black ink; the rest fully transparent
    page = load_first_page(encode(Image.fromarray(rgba, "RGBA"), format="PNG"))
    assert page.pixels[0, 0] == 0 and page.pixels[0, 9] == 255


def test_cmyk_jpeg_loads() -> None:
    cmyk = GREY.convert("RGB").convert("CMYK")
    page = load_first_page(encode(cmyk, format="JPEG", quality=95))
    assert page.pixels[30:50, 20:100].mean() < 80


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned; the viewer rotates 90° clockwise
    stored = GREY.rotate(90, expand=True)  # what a camera would store
    page = load_first_page(encode(stored, format="JPEG", quality=95, exif=exif.tobytes()))
    assert page.size == (300, 400)
    assert page.pixels[30:50, 20:100].mean() < 80


def test_resolution_from_metadata_or_estimated() -> None:
    with_dpi = load_first_page(encode(GREY, format="PNG", dpi=(400, 400)))
    assert (round(with_dpi.dpi), with_dpi.dpi_estimated) == (400, False)
    default_72 = load_first_page(encode(GREY, format="JPEG", dpi=(72, 72)))
    assert default_72.dpi_estimated
    a4_at_300 = Image.new("L", (2480, 3508), 255)
    estimated = load_first_page(encode(a4_at_300, format="PNG"))
    assert estimated.dpi_estimated and 290 <= estimated.dpi <= 310


def test_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(ImageTooLargeError, match="over the limit"):
        load_first_page(png_claiming(100_000, 100_000))
    with pytest.raises(ImageTooLargeError):
        load_first_page(encode(GREY, format="PNG"), max_pixels=100_000)


@pytest.mark.parametrize(
    ("data", "error", "reason"),
    [
        (b"", EmptyImageError, "empty"),
        (b"Title: register of baptisms\n1701 ...\n", NotAnImageError, "not-an-image"),
        (b'<?xml version="1.0"?><alto/>', NotAnImageError, "not-an-image"),
        (b"\x00\x01\x02\x03garbage" * 20, NotAnImageError, "not-an-image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", UnsupportedImageError, "unsupported"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", UnsupportedImageError, "unsupported"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
         UnsupportedImageError, "unsupported"),
    ],
)  # fmt: skip
def test_non_images_get_typed_errors(data: bytes, error: type, reason: str) -> None:
    with pytest.raises(error) as caught:
        load_first_page(data)
    assert isinstance(caught.value, ImageLoadError)
    assert caught.value.reason == reason
    assert str(caught.value)


def test_corrupt_data_in_a_complete_file() -> None:
    data = bytearray(encode(GREY, format="PNG"))
    data[60:400] = bytes(340)  # zero out compressed image data, keep header and IEND
    with pytest.raises(CorruptImageError):
        load_first_page(bytes(data))
