"""Company logos: checked and re-encoded with Pillow, so that only clean raster images are kept."""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from exhibitors.exceptions import InvalidLogo

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 4000  # pixels of the upload
MIN_LOGO_SIDE = 32
STORED_LOGO_SIDE = 600  # the stored logo fits in this square
ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def logo_process(upload, *, name_hint: str = "logo") -> ContentFile:
    """Check an uploaded logo and return it re-encoded as a PNG no larger than 600×600.

    Refuses (``InvalidLogo`` with a clear message): files over 2 MB, anything Pillow cannot read
    as PNG, JPEG, WebP or GIF (SVG, PDF, scripts...), images smaller than 32 px or larger than
    4000 px on a side. Re-encoding drops metadata and anything hidden after the image data.
    Side effects: none (reads the upload).
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > MAX_LOGO_BYTES:
        raise InvalidLogo(_("The logo is too large: at most 2 MB."))
    upload.seek(0)
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidLogo() from exc
    if fmt not in ALLOWED_FORMATS:
        raise InvalidLogo()
    if max(width, height) > MAX_LOGO_SIDE:
        raise InvalidLogo(_("The logo is too big: at most 4000 pixels on a side."))
    if min(width, height) < MIN_LOGO_SIDE:
        raise InvalidLogo(_("The logo is too small: at least 32 pixels on a side."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA")
            image.thumbnail((STORED_LOGO_SIDE, STORED_LOGO_SIDE))
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidLogo() from exc
    return ContentFile(out.getvalue(), name=f"{name_hint}.png")
