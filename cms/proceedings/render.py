"""The book as PDF: the HTML of ``templates/pdf/proceedings/`` through the shared restricted
renderer (``core.pdf``), then each uploaded paper laid over the blank pages reserved for it.

A talk's paper of N pages is reserved as N blank placeholder pages right after the talk's
chapter, so WeasyPrint counts them in ``counter(page)``, ``counter(pages)`` and every
``target-counter`` of the contents, and the outline points at them. After rendering, pypdf
draws each paper page onto its placeholder page (same page object, so the outline, the links
and the named destinations stay valid), scaled to fit above the footer.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    RectangleObject,
)

from cms.proceedings.book import Book
from cms.proceedings.exceptions import ProceedingsError
from core.pdf import RestrictedURLFetcher, render_html_to_pdf

MM = 72 / 25.4
FOOTER_BAND = 12 * MM  # @page paper { margin-bottom: 12mm } in proceedings.css

ProgressCallback = Callable[[str, int], None]


def css_string(value: str) -> str:
    """``value`` escaped for a double-quoted CSS string (``content: "…"``)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")


def book_render_html(*, book: Book) -> str:
    """The book's HTML, in the book's language. Side effects: none."""
    with translation.override(book.lang):
        return render_to_string(
            "pdf/proceedings/book.html", {"book": book, "css": {"page": css_string(_("Page"))}}
        )


def book_render_pdf(
    *,
    book: Book,
    fetcher: RestrictedURLFetcher | None = None,
    on_progress: ProgressCallback | None = None,
) -> bytes:
    """The book's PDF bytes, papers merged in.

    ``on_progress(stage, page)`` is called while WeasyPrint lays out pages (``"layout"``, page
    number) and writes the file (``"writing"``, 0), then once for the papers (``"papers"``, 0).
    Side effects: none (fetches only static files and media, through ``fetcher``).
    """
    html = book_render_html(book=book)
    with _weasyprint_progress(on_progress):
        pdf = render_html_to_pdf(html, fetcher=fetcher)
    if not book.papers:
        return pdf
    if on_progress:
        on_progress("papers", 0)
    return papers_merge(pdf=pdf, book=book)


def papers_merge(*, pdf: bytes, book: Book) -> bytes:
    """Draw every paper page onto the placeholder page reserved for it in ``pdf``.

    The placeholders are found through their named destinations (``<chapter>-paper-<n>``), which
    WeasyPrint writes for every element id. Each paper page becomes a form XObject drawn on its
    placeholder (its content is copied, not parsed: fast whatever the paper holds), and the
    file is written incrementally (only the changed pages and the papers' objects are
    appended). Side effects: none.
    """
    book_reader = PdfReader(io.BytesIO(pdf))
    destinations = book_reader.named_destinations
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    for chapter, paper in book.papers:
        reader = paper_open(path=paper.path, title=chapter.title)
        if len(reader.pages) != paper.page_count:
            raise ProceedingsError(
                _("The paper of “%(title)s” changed while the book was built.")
                % {"title": chapter.title},
                code="paper_changed",
            )
        for number, source in enumerate(reader.pages, start=1):
            name = f"{chapter.anchor}-paper-{number}"
            if name not in destinations:
                raise ProceedingsError(
                    _("The book has no page reserved for the paper of “%(title)s”.")
                    % {"title": chapter.title},
                    code="paper_placeholder_missing",
                )
            index = book_reader.get_destination_page_number(destinations[name])
            _draw_page(writer=writer, target=writer.pages[index], source=source, name=name)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def paper_open(*, path, title: str) -> PdfReader:
    """A readable paper PDF, or a ``ProceedingsError`` that says why not."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted")
        if not reader.pages:
            raise ValueError("no pages")
    except Exception as error:  # pypdf raises many kinds of errors on a broken file
        raise ProceedingsError(
            _("The paper of “%(title)s” is not a readable PDF (%(reason)s).")
            % {"title": title, "reason": str(error)[:200] or error.__class__.__name__},
            code="paper_unreadable",
        ) from error
    return reader


# Where a point of a page shown rotated by /Rotate (clockwise) lands, for a w × h page whose
# crop box starts at 0, 0: the matrix (a, b, c, d, e, f) for each rotation.
_ROTATIONS = {
    0: lambda w, h: (1, 0, 0, 1, 0, 0),
    90: lambda w, h: (0, -1, 1, 0, 0, w),
    180: lambda w, h: (-1, 0, 0, -1, w, h),
    270: lambda w, h: (0, 1, -1, 0, h, 0),
}


def _draw_page(*, writer: PdfWriter, target, source, name: str) -> None:
    """Draw ``source`` on ``target`` as a form XObject, as it is shown (``/Rotate`` applied),
    scaled to fit the page above its footer band and centred."""
    box: RectangleObject = source.cropbox
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    rotation = source.rotation % 360
    shown_width, shown_height = (height, width) if rotation in (90, 270) else (width, height)
    page_width = float(target.mediabox.width)
    room = float(target.mediabox.height) - FOOTER_BAND
    scale = min(page_width / shown_width, room / shown_height)
    dx = (page_width - shown_width * scale) / 2
    dy = FOOTER_BAND + (room - shown_height * scale) / 2
    matrix = (
        Transformation()
        .translate(-left, -bottom)
        .transform(Transformation(_ROTATIONS[rotation](width, height)))
        .scale(scale, scale)
        .translate(float(target.mediabox.left) + dx, float(target.mediabox.bottom) + dy)
        .ctm
    )

    form = DecodedStreamObject()
    form.set_data(_content_bytes(source))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)
            ),
            NameObject("/Resources"): source.get("/Resources", DictionaryObject())
            .get_object()
            .clone(writer),
        }
    )
    form_ref = writer._add_object(form.flate_encode())

    key = NameObject("/" + "".join(ch for ch in name if ch.isalnum()))
    resources = DictionaryObject(target["/Resources"].get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[key] = form_ref
    resources[NameObject("/XObject")] = xobjects
    target[NameObject("/Resources")] = resources

    numbers = " ".join(f"{value:.6f}" for value in matrix)
    draw = DecodedStreamObject()
    draw.set_data(f"q {numbers} cm {key} Do Q\n".encode())
    save, restore = DecodedStreamObject(), DecodedStreamObject()
    save.set_data(b"q\n")
    restore.set_data(b"Q\n")
    contents = target["/Contents"]
    old = list(contents) if isinstance(contents, ArrayObject) else [contents]
    target[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(save), *old, writer._add_object(restore), writer._add_object(draw)]
    )


def _content_bytes(page) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, ArrayObject):
        return b"\n".join(part.get_object().get_data() for part in contents)
    return contents.get_data()


@contextmanager
def _weasyprint_progress(on_progress: ProgressCallback | None) -> Iterator[None]:
    """Forward WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") of this thread."""
    if on_progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    thread = threading.get_ident()

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.thread != thread:
                return
            message = record.msg
            if message.startswith("Step 5") and record.args and "up-to-date" not in message:
                on_progress("layout", int(record.args[0]))
            elif message.startswith("Step 6"):
                on_progress("writing", 0)

    # The logger's level and propagation are set once, in settings.LOGGING: a build only adds
    # its handler (concurrent builds each see their own thread's records).
    handler = Handler(level=logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
