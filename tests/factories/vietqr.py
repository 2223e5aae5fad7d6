"""Reading a VietQR back, independently of exhibitors/payments.py: the EMVCo TLV fields and
the CRC checked with the standard library's CRC-CCITT; and QR codes read off a PDF's pages
with poppler and zxing-cpp."""

import binascii
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def parse_tlv(text: str) -> dict[str, str]:
    """EMVCo TLV: ID (2 digits), length (2 digits), value; every field once, in order."""
    fields, i = {}, 0
    while i < len(text):
        tag, length = text[i : i + 2], int(text[i + 2 : i + 4])
        assert tag not in fields, f"field {tag} twice"
        fields[tag] = text[i + 4 : i + 4 + length]
        assert len(fields[tag]) == length
        i += 4 + length
    return fields


def check_vietqr(payload: str) -> dict:
    """Check the CRC (CRC-16/CCITT-FALSE = ``binascii.crc_hqx`` from 0xFFFF) and return the
    fields, the merchant account (38) and additional data (62) parsed too."""
    assert payload[-8:-4] == "6304"
    assert int(payload[-4:], 16) == binascii.crc_hqx(payload[:-4].encode("ascii"), 0xFFFF)
    fields = parse_tlv(payload)
    merchant = parse_tlv(fields["38"])
    return {
        **fields,
        "38": {**merchant, "01": parse_tlv(merchant["01"])},
        "62": parse_tlv(fields["62"]),
    }


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it (UTF-8, reading order)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def pdf_qr_codes(pdf: bytes, *, dpi: int = 150) -> list[str]:
    """The text of every QR code on the PDF's pages, rendered by pdftoppm, read by zxing-cpp."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-", str(Path(folder) / "p")],
            input=pdf,
            capture_output=True,
            check=True,
        )
        texts = []
        for page in sorted(Path(folder).glob("p-*.png")):
            with Image.open(page) as image:
                texts += [r.text for r in zxingcpp.read_barcodes(image)]
    return texts
