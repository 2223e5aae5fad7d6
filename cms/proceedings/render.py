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

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from cms.proceedings.book import Book
from cms.proceedings.exceptions import ProceedingsError
from core.pdf import RestrictedURLFetcher, render_html_to_pdf

MM = 72 / 25.4
FOOTER_BAND = 12 * MM  # @page paper { margin-bottom: 12mm } in proceedings.css

ProgressCallback = Callable[[str, int], None]
#: A tagged PDF (a structure tree a screen reader follows) declaring PDF/UA-1; the papers drawn
#: onto their placeholder pages are tagged as figures (``_tag_paper_page``).
PDF_VARIANT = "pdf/ua-1"


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
        pdf = render_html_to_pdf(html, fetcher=fetcher, variant=PDF_VARIANT)
    if not book.papers:
        return pdf
    if on_progress:
        on_progress("papers", 0)
    return papers_merge(pdf=pdf, book=book)


def papers_merge(*, pdf: bytes, book: Book) -> bytes:
    """Draw every paper page onto the placeholder page reserved for it in ``pdf``.

    The placeholders are found through their named destinations (``<chapter>-paper-<n>``), which
    WeasyPrint writes for every element id. Each paper page becomes a form XObject drawn on its
    placeholder (its content is copied, not parsed: fast whatever the paper holds). The
    document's metadata, outline, structure tree and destinations are kept. Side effects: none.
    """
    book_reader = PdfReader(io.BytesIO(pdf))
    destinations = book_reader.named_destinations
    # A whole new file, not an incremental update: pypdf's update leaves its own cross-reference
    # stream out of its index (``qpdf --check`` warns) and /Info out of its trailer.
    writer = PdfWriter(clone_from=book_reader)
    writer.pdf_header = book_reader.pdf_header  # pypdf would write %PDF-1.3
    tagger = _FigureTagger(writer)
    for chapter, paper in book.papers:
        reader = paper_open(name=paper.name, title=chapter.title)
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
            alt = _("Paper “%(title)s”, page %(page)s of %(pages)s") % {
                "title": chapter.title,
                "page": number,
                "pages": paper.page_count,
            }
            _draw_page(writer=writer, tagger=tagger, index=index, source=source, name=name, alt=alt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def paper_open(*, name: str, title: str) -> PdfReader:
    """The paper stored as ``name`` in the media storage, read whole and checked: a readable PDF,
    or a ``ProceedingsError`` that says why not."""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
        reader = PdfReader(io.BytesIO(data))
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


def _draw_page(
    *, writer: PdfWriter, tagger: _FigureTagger, index: int, source, name: str, alt: str
) -> None:
    """Draw ``source`` on ``target`` as a form XObject, as it is shown (``/Rotate`` applied),
    scaled to fit the page above its footer band and centred. In a tagged book the drawing is
    a figure of the structure tree, described by ``alt``."""
    target = writer.pages[index]
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
    drawing = f"q {numbers} cm {key} Do Q"
    shown = (dx, dy, dx + shown_width * scale, dy + shown_height * scale)
    mcid = tagger.tag(index=index, alt=alt, bbox=shown)
    if mcid is not None:
        drawing = f"/Figure <</MCID {mcid}>> BDC {drawing} EMC"
    draw = DecodedStreamObject()
    draw.set_data(f"{drawing}\n".encode())
    save, restore = DecodedStreamObject(), DecodedStreamObject()
    save.set_data(b"q\n")
    restore.set_data(b"Q\n")
    # The page's content streams as references: ``target["/Contents"]`` would resolve them, and
    # a stream written back into the array would be inline (invalid: viewers lose the page).
    contents = target.raw_get("/Contents")
    resolved = contents.get_object()
    old = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    target[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(save), *old, writer._add_object(restore), writer._add_object(draw)]
    )


class _FigureTagger:
    """Adds a ``/Figure`` structure element for each paper page drawn into a tagged book, so
    that a screen reader meets the paper (described by its alternative text) in reading order.

    Each figure goes into the structure element WeasyPrint made for the placeholder on its
    page (the empty ``div.paper-page``); failing that, under the document's top element after
    the top-level element that holds the last content of the pages before it (the talk's
    chapter). The page's entry of the parent tree maps the figure's marked-content id to it.
    A book without a structure tree is left as it is.
    """

    def __init__(self, writer: PdfWriter):
        self.writer = writer
        self.figures: set[int] = set()
        self.document = self.kids = None
        self.entries: dict[int, object] = {}
        tree = writer.root_object.get("/StructTreeRoot")
        if tree is None:
            return
        tree = tree.get_object()
        top = tree["/K"].get_object()
        self.document = top[0].get_object() if isinstance(top, ArrayObject) else top
        kids = self.document.get("/K")
        if kids is not None and isinstance(kids.get_object(), ArrayObject):
            self.kids = kids.get_object()
        self.entries = self._parent_tree(tree)

    @staticmethod
    def _parent_tree(tree) -> dict[int, object]:
        """The parent tree as ``{key: value}`` (a number tree: ``/Nums`` pairs, in its leaves
        when it has ``/Kids``)."""
        entries: dict[int, object] = {}
        stack = [tree["/ParentTree"].get_object()]
        while stack:
            node = stack.pop()
            if (nums := node.get("/Nums")) is not None:
                nums = nums.get_object()
                for index in range(0, len(nums) - 1, 2):
                    entries[int(nums[index])] = nums[index + 1]
            stack.extend(kid.get_object() for kid in node.get("/Kids", ()))
        return entries

    def tag(self, *, index: int, alt: str, bbox: tuple[float, ...]) -> int | None:
        """A figure for content about to be drawn on page ``index``: its marked-content id
        (``None`` when the book is not tagged)."""
        page = self.writer.pages[index]
        key = page.get("/StructParents")
        if self.kids is None or key is None or int(key) not in self.entries:
            return None
        marked = self.entries[int(key)].get_object()
        mcid = len(marked)
        parent = self._placeholder(page.indirect_reference.idnum) or self.document
        figure = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/Figure"),
                NameObject("/P"): parent.indirect_reference,
                NameObject("/Pg"): page.indirect_reference,
                NameObject("/K"): NumberObject(mcid),
                NameObject("/Alt"): TextStringObject(alt),
                NameObject("/A"): DictionaryObject(
                    {
                        NameObject("/O"): NameObject("/Layout"),
                        NameObject("/BBox"): ArrayObject(FloatObject(round(v, 2)) for v in bbox),
                    }
                ),
            }
        )
        reference = self.writer._add_object(figure)
        marked.append(reference)
        if parent is self.document:
            self.kids.insert(self._position(index), reference)
            self.figures.add(reference.idnum)
        else:
            kids = parent.get("/K")
            kids = kids.get_object() if kids is not None else None
            if not isinstance(kids, ArrayObject):
                kids = ArrayObject([] if kids is None else [parent.raw_get("/K")])
                parent[NameObject("/K")] = kids
            kids.append(reference)
        return mcid

    def _placeholder(self, page: int):
        """The structure element of the placeholder ``div`` on page object ``page`` (inside a
        top-level ``/Sect`` of that page), if any."""
        for kid in self.kids:
            section = kid.get_object()
            if section.get("/S") != "/Sect" or _page_id(section) != page:
                continue
            children = section.get("/K")
            children = children.get_object() if children is not None else ()
            for child in children if isinstance(children, ArrayObject) else (children,):
                child = child.get_object()
                if (
                    isinstance(child, DictionaryObject)
                    and child.get("/S") == "/Div"
                    and _page_id(child) == page
                    and not child.get("/K")
                ):
                    return child
        return None

    def _position(self, index: int) -> int:
        """Where a figure of page ``index`` goes among the top element's kids."""
        positions = {
            kid.idnum: n for n, kid in enumerate(self.kids) if isinstance(kid, IndirectObject)
        }
        for earlier in range(index - 1, -1, -1):
            key = self.writer.pages[earlier].get("/StructParents")
            if key is None or int(key) not in self.entries:
                continue
            for element in reversed(self.entries[int(key)].get_object()):
                top = self._top_level(element)
                if top is None or top.get_object().get("/S") == "/NonStruct":
                    continue  # the page's margins (running header, page number)
                position = positions[top.idnum] + 1
                while position < len(self.kids) and self.kids[position].idnum in self.figures:
                    position += 1
                return position
        return len(self.kids)

    def _top_level(self, element) -> IndirectObject | None:
        """The ancestor of ``element`` (or itself) that is a kid of the top element."""
        document = self.document.indirect_reference.idnum
        for _depth in range(100):
            if not isinstance(element, IndirectObject):
                return None
            parent = element.get_object().raw_get("/P")
            if parent is None:
                return None
            if parent.idnum == document:
                return element
            element = parent
        return None


def _page_id(element) -> int | None:
    page = element.raw_get("/Pg")
    return page.idnum if isinstance(page, IndirectObject) else None


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
