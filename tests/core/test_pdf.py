"""The shared PDF renderer: Vietnamese text exact, font embedded, and nothing fetched from
outside (a real HTTP server on 127.0.0.1 must receive no request)."""

import http.server
import io
import subprocess
import threading

import pytest
from pypdf import PdfReader

from core.pdf import PDF_BASE_URL, RestrictedURLFetcher, render_html_to_pdf, render_to_pdf


@pytest.fixture
def http_server():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def _text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_vietnamese_text_reads_back_exactly_with_the_font_embedded():
    html = (
        "<html lang='vi'><head><link rel='stylesheet' href='/static/css/fonts.css'>"
        "<style>p { font-family: 'Be Vietnam Pro' }</style></head>"
        "<body><p>Nguyễn Thị Ánh Tuyết — Đặng Quốc Bảo</p></body></html>"
    )
    pdf = render_html_to_pdf(html)
    assert "Nguyễn Thị Ánh Tuyết — Đặng Quốc Bảo" in _text(pdf)
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.endswith("+Be-Vietnam-Pro") for name in fonts), fonts  # embedded subset


def test_remote_urls_are_never_fetched(http_server, tmp_path):
    base, hits = http_server
    fetcher = RestrictedURLFetcher()
    html = (
        f"<html><head><link rel='stylesheet' href='{base}/evil.css'></head><body>"
        f"<img src='{base}/tracker.png'><img src='file:///etc/passwd'>"
        f"<img src='/media/../../etc/passwd'><p>Hải Phòng</p></body></html>"
    )
    pdf = render_html_to_pdf(html, fetcher=fetcher)
    assert hits == []
    assert fetcher.served == []
    assert f"{base}/tracker.png" in fetcher.refused
    assert f"{base}/evil.css" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert f"{PDF_BASE_URL}etc/passwd" in fetcher.refused  # /media/../../ resolved on our host
    assert "Hải Phòng" in _text(pdf)


def test_static_files_are_served_from_disk():
    fetcher = RestrictedURLFetcher()
    render_to_pdf("pdf/base.html", {}, fetcher=fetcher)
    assert any(url.endswith("/static/css/fonts.css") for url in fetcher.served)
    assert fetcher.refused == []


def test_hashed_static_names_are_served_from_static_root(settings, tmp_path):
    """In production {% static %} gives manifest names (fonts.1a2b3c.css) that the finders do
    not know: they are read from STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "fonts.1a2b3c.css").write_text("p { color: red }")
    fetcher = RestrictedURLFetcher()
    render_html_to_pdf(
        "<link rel='stylesheet' href='/static/css/fonts.1a2b3c.css'>"
        "<link rel='stylesheet' href='/static/../secret.css'><p>x</p>",
        fetcher=fetcher,
    )
    assert [url.rsplit("/", 1)[-1] for url in fetcher.served] == ["fonts.1a2b3c.css"]
