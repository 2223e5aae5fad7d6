"""The book as PDF: the HTML of ``templates/pdf/proceedings/`` through the shared restricted
renderer (``events.pdf``), then each uploaded paper laid over the blank pages reserved for it.

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
from pypdf.generic import RectangleObject

from cms.proceedings.book import Book
from cms.proceedings.exceptions import ProceedingsError
from events.pdf import RestrictedURLFetcher, render_html_to_pdf

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
    WeasyPrint writes for every element id. Side effects: none.
    """
    book_reader = PdfReader(io.BytesIO(pdf))
    destinations = book_reader.named_destinations
    writer = PdfWriter(clone_from=book_reader)
    for chapter, paper in book.papers:
        reader = paper_open(path=paper.path, title=chapter.title)
        if len(reader.pages) != paper.page_count:
            raise ProceedingsError(
                _("The paper of “%(title)s” changed while the book was built.")
                % {"title": chapter.title},
                code="paper_changed",
            )
        # Pages of a writer can be transformed in place (their /Rotate moved into the content).
        for number, source in enumerate(PdfWriter(clone_from=reader).pages, start=1):
            name = f"{chapter.anchor}-paper-{number}"
            if name not in destinations:
                raise ProceedingsError(
                    _("The book has no page reserved for the paper of “%(title)s”.")
                    % {"title": chapter.title},
                    code="paper_placeholder_missing",
                )
            target = writer.pages[book_reader.get_destination_page_number(destinations[name])]
            _draw_page(target=target, source=source)
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


def _draw_page(*, target, source) -> None:
    """Scale ``source`` to fit the target page above its footer band, centred, and draw it."""
    if source.rotation % 360:
        source.transfer_rotation_to_content()
    box: RectangleObject = source.cropbox
    width, height = float(box.width), float(box.height)
    page_width = float(target.mediabox.width)
    room = float(target.mediabox.height) - FOOTER_BAND
    scale = min(page_width / width, room / height)
    dx = (page_width - width * scale) / 2
    dy = FOOTER_BAND + (room - height * scale) / 2
    transformation = (
        Transformation()
        .translate(-float(box.left), -float(box.bottom))
        .scale(scale, scale)
        .translate(float(target.mediabox.left) + dx, float(target.mediabox.bottom) + dy)
    )
    target.merge_transformed_page(source, transformation, over=True)


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

    handler = Handler(level=logging.INFO)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
