"""Logos are checked and re-encoded with Pillow; SVG and oversized files are refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from exhibitors.exceptions import InvalidLogo
from exhibitors.images import logo_process


def image_file(size=(200, 100), fmt="PNG", name="logo.png", extra=b"", **save):
    out = io.BytesIO()
    Image.new("RGB", size, "#0b4f8a").save(out, format=fmt, **save)
    return SimpleUploadedFile(name, out.getvalue() + extra)


def test_png_is_re_encoded_as_png():
    result = logo_process(image_file(extra=b"<script>alert(1)</script>"))
    data = result.read()
    assert data.startswith(b"\x89PNG")
    assert b"<script>" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("PNG", (200, 100))


def test_large_image_is_scaled_to_fit_600_pixels():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    result = logo_process(image_file((2400, 1200), "JPEG", "logo.jpg", exif=exif.tobytes()))
    with Image.open(result) as image:
        assert image.size == (600, 300)
        assert image.getexif().get(0x010F) is None


def test_svg_is_refused():
    svg = SimpleUploadedFile(
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )
    with pytest.raises(InvalidLogo) as error:
        logo_process(svg)
    assert str(error.value.message) == "Logo phải là ảnh PNG, JPEG hoặc WebP."


def test_file_over_2_mb_is_refused():
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(InvalidLogo) as error:
        logo_process(big)
    assert str(error.value.message) == "Logo quá nặng: tối đa 2 MB."


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((4001, 10 + 40), "Logo quá lớn: tối đa 4000 điểm ảnh mỗi chiều."),
        ((31, 200), "Logo quá nhỏ: tối thiểu 32 điểm ảnh mỗi chiều."),
    ],
)
def test_dimension_limits(size, message):
    with pytest.raises(InvalidLogo) as error:
        logo_process(image_file(size))
    assert str(error.value.message) == message


@pytest.mark.parametrize(
    "content",
    [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, b"%PDF-1.7\n"],
)
def test_garbage_is_refused(content):
    with pytest.raises(InvalidLogo):
        logo_process(SimpleUploadedFile("logo.png", content))


def test_tiff_is_refused_even_though_pillow_reads_it():
    with pytest.raises(InvalidLogo):
        logo_process(image_file(fmt="TIFF", name="logo.tiff"))
