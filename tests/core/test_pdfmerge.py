"""Merging separately rendered PDFs: WeasyPrint names every document's subset of a font alike,
whatever glyphs it holds; the merge gives each subset a tag of its own."""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from core.pdf import render_html_to_pdf
from core.pdfmerge import SUBSET_NAME, font_subset_tags_make_unique
from tests.factories.pdf import pdf_text
from tests.factories.pdfcheck import pdf_check

HTML = (
    '<html lang="vi"><head><title>T</title><meta name="author" content="A"></head>'
    "<body><p style='font-family: DejaVu Sans'>{}</p></body></html>"
)


def _subset_names(reader: PdfReader) -> set[str]:
    return {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if SUBSET_NAME.match(str(font["/BaseFont"]))
    }


def test_each_merged_document_keeps_its_subsets_under_tags_of_their_own():
    texts = ["Nguyễn Văn Khoa", "Đặng Quốc Bảo", "Lê Thị Ánh Tuyết"]
    writer = PdfWriter()
    taken: set[str] = set()
    renames = []
    for text in texts:
        reader = PdfReader(io.BytesIO(render_html_to_pdf(HTML.format(text))))
        before = _subset_names(reader)
        renames.append(font_subset_tags_make_unique(reader, taken=taken))
        after = _subset_names(reader)
        assert {name.split("+", 1)[1] for name in after} == {
            name.split("+", 1)[1] for name in before
        }
        writer.append(reader)
    assert renames[0] == {}  # the first document keeps its names
    assert renames[1] and renames[2]  # the same font, so the same WeasyPrint tag: renamed
    assert len(taken) == 3
    writer.add_metadata({"/Title": "T", "/Author": "A"})
    writer.root_object[NameObject("/Lang")] = TextStringObject("vi")
    output = io.BytesIO()
    writer.write(output)
    merged = output.getvalue()
    report = pdf_check(merged)  # one tag per subset, among the other checks
    assert len(report.fonts) == 3
    assert all(text in pdf_text(merged) for text in texts)
