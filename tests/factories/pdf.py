"""Reading PDFs back as a reader would: text by poppler's pdftotext, pages by pdftoppm, QR codes
by zxing-cpp."""

import subprocess

import zxingcpp
from PIL import Image


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def pdf_page_png(pdf: bytes, tmp_path, *, page: int = 1, dpi: int = 200):
    """Render one page with pdftoppm; return it as a PIL image."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    target = tmp_path / f"page-{page}"
    command = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png"]
    subprocess.run([*command, "-singlefile", str(source), str(target)], check=True)
    return Image.open(f"{target}.png").convert("RGB")


def pdf_qr_codes(pdf: bytes, tmp_path, *, page: int = 1) -> list:
    """Every QR code zxing-cpp finds on a page rendered at 200 dpi."""
    return list(zxingcpp.read_barcodes(pdf_page_png(pdf, tmp_path, page=page)))


def pdf_qr_tokens(pdf: bytes, tmp_path, *, page: int = 1) -> list[str]:
    return sorted(code.text for code in pdf_qr_codes(pdf, tmp_path, page=page))
