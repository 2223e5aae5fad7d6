"""WeasyPrint with a restricted URL fetcher: a PDF may load our static files, our media and
``data:`` URLs, nothing else. A URL that comes from content (a rich-text image pointing at another
server, say) is never fetched: it is refused and recorded in ``fetcher.refused``.

Templates use ``{% static %}`` and media URLs as on the site; they are resolved against
``PDF_BASE_URL``, a host that exists only here, and served from disk.
"""

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
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
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    @staticmethod
    def _local_path(url: str) -> Path | None:
        if not url.startswith(_ORIGIN + "/"):
            return None
        path = unquote(urlsplit(url).path)
        static_url, media_url = settings.STATIC_URL, settings.MEDIA_URL
        if path.startswith(static_url):
            found = finders.find(path.removeprefix(static_url))
            return Path(found) if found else None
        if path.startswith(media_url):
            root = Path(settings.MEDIA_ROOT).resolve()
            candidate = (root / path.removeprefix(media_url)).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None


_local = threading.local()


def shared_font_config() -> FontConfiguration:
    """A FontConfiguration kept per thread: WeasyPrint then loads each @font-face file once per
    thread instead of once per document (about 25 ms saved on every badge)."""
    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def render_html_to_pdf(
    html: str,
    *,
    fetcher: RestrictedURLFetcher | None = None,
    font_config: FontConfiguration | None = None,
) -> bytes:
    """Render ``html`` to PDF bytes with the restricted fetcher. Side effects: none.

    Pass ``font_config=shared_font_config()`` for many small documents with the same fonts.
    """
    fetcher = fetcher or RestrictedURLFetcher()
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(
        font_config=font_config or FontConfiguration(), uncompressed_pdf=False
    )


def render_to_pdf(
    template_name: str, context: dict, *, fetcher: RestrictedURLFetcher | None = None
) -> bytes:
    """Render a Django template to PDF bytes with the restricted fetcher."""
    return render_html_to_pdf(render_to_string(template_name, context), fetcher=fetcher)
