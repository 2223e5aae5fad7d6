"""WeasyPrint with a restricted URL fetcher: a PDF may load our static files, our media and
``data:`` URLs, nothing else. A URL that comes from content (a rich-text image pointing at another
server, say) is never fetched: it is refused and recorded in ``fetcher.refused``.

Templates use ``{% static %}`` and media URLs as on the site; they are resolved against
``PDF_BASE_URL``, a host that exists only here: static files are read from disk, media through
the storage API (the local folder or an S3 bucket: ``media_url``).
"""

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_BASE_URL = "https://pdf.forumhall.invalid/"
_ORIGIN = PDF_BASE_URL.rstrip("/")


class RestrictedURLFetcher(URLFetcher):
    """Serves static files (through the staticfiles finders), media files and data: URLs."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"data", "https"}, allow_redirects=False, **kwargs)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self._local_path(url)
        if path is None:
            self.refused.append(url)
            logger.info("PDF renderer refused %s", url)
            raise ValueError(f"URL not allowed in PDFs: {url[:200]}")
        self.served.append(url)
        if isinstance(path, str):  # a media file: read through the storage (disk or bucket)
            with default_storage.open(path, "rb") as handle:
                body = handle.read()
        else:
            body = path.read_bytes()
        mime_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    @staticmethod
    def _local_path(url: str) -> Path | str | None:
        """A static file's path, a media file's storage name (str), or None (refused)."""
        if not url.startswith(_ORIGIN + "/"):
            return None
        path = unquote(urlsplit(url).path)
        static_url, media_url = settings.STATIC_URL, settings.MEDIA_URL
        if path.startswith(static_url):
            name = path.removeprefix(static_url)
            found = finders.find(name)
            if found:
                return Path(found)
            # A hashed name from the manifest storage ({% static %} in production): the file
            # collected in STATIC_ROOT.
            if settings.STATIC_ROOT and ".." not in Path(name).parts:
                collected = Path(settings.STATIC_ROOT) / name
                return collected if collected.is_file() else None
            return None
        if path.startswith(media_url):
            name = path.removeprefix(media_url)
            parts = Path(name).parts
            if name and ".." not in parts and not name.startswith("/") and _media_exists(name):
                return name
        return None


def _media_exists(name: str) -> bool:
    try:
        return default_storage.exists(name)
    except Exception:  # an unreachable bucket: the file is refused like a missing one
        logger.warning("PDF renderer could not reach the media storage for %s", name)
        return False


def media_url(name: str) -> str:
    """The URL a PDF template gives for the stored media file ``name``, whatever the storage:
    the renderer reads it back through the storage API (``RestrictedURLFetcher``)."""
    return settings.MEDIA_URL + quote(name)


_local = threading.local()


def shared_font_config() -> FontConfiguration:
    """A FontConfiguration kept per thread: WeasyPrint then loads each @font-face file once per
    thread instead of once per document (about 25 ms saved on every badge)."""
    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


#: A minimal user-agent stylesheet for small documents made from our own templates (badges,
#: passes): WeasyPrint's full HTML one costs a third of a badge's rendering time in cascade.
LEAN_UA_CSS = """
head, link, meta, script, style, title, template, [hidden] { display: none }
html, body, div, p, section, header, footer, main, h1, h2, h3, ul, ol, dl, dt, dd,
figure, figcaption { display: block }
li { display: list-item }
strong, b { font-weight: bold }
em, i { font-style: italic }
img, svg { overflow: hidden }
br::before { content: "\\A"; white-space: pre-line }
"""


class LeanHTML(HTML):
    """HTML with ``LEAN_UA_CSS`` instead of WeasyPrint's full user-agent stylesheet."""

    _lean_ua = None

    def _ua_stylesheets(self, forms=False):
        if LeanHTML._lean_ua is None:
            LeanHTML._lean_ua = CSS(string=LEAN_UA_CSS)
        return [LeanHTML._lean_ua]


def cached_stylesheet(css: str, font_config: FontConfiguration) -> CSS:
    """``css`` parsed once per thread and font configuration (its @font-face rules are
    registered in ``font_config``), for documents rendered many times with the same styles."""
    cache = getattr(_local, "stylesheets", None)
    if cache is None:
        cache = _local.stylesheets = {}
    key = (css, id(font_config))
    if key not in cache:
        cache[key] = CSS(
            string=css,
            base_url=PDF_BASE_URL,
            url_fetcher=RestrictedURLFetcher(),
            font_config=font_config,
        )
    return cache[key]


def render_html_to_pdf(
    html: str,
    *,
    fetcher: RestrictedURLFetcher | None = None,
    font_config: FontConfiguration | None = None,
    stylesheets: list[CSS] | None = None,
    lean: bool = False,
    variant: str | None = None,
) -> bytes:
    """Render ``html`` to PDF bytes with the restricted fetcher. Side effects: none.

    For many small documents with the same fonts: ``font_config=shared_font_config()``,
    styles parsed once with ``cached_stylesheet`` and ``lean=True`` (``LEAN_UA_CSS``).
    ``variant``: a WeasyPrint PDF variant, e.g. ``"pdf/ua-1"`` (tagged, for screen readers).
    """
    fetcher = fetcher or RestrictedURLFetcher()
    document = (LeanHTML if lean else HTML)(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(
        font_config=font_config or FontConfiguration(),
        stylesheets=stylesheets,
        uncompressed_pdf=False,
        pdf_variant=variant,
    )


def render_to_pdf(
    template_name: str, context: dict, *, fetcher: RestrictedURLFetcher | None = None
) -> bytes:
    """Render a Django template to PDF bytes with the restricted fetcher."""
    return render_html_to_pdf(render_to_string(template_name, context), fetcher=fetcher)
