"""The built book read back with pypdf and pdftotext: outline, contents, page numbers, text,
metadata, papers. One build for the module (its data is rolled back afterwards)."""

import io
import unicodedata

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from cms.proceedings import services
from cms.proceedings.enums import BuildStatus
from tests.conftest import ensure_wagtail_tree
from tests.factories.pdfcheck import pdf_check
from tests.factories.proceedings import (
    FORUM_NAME,
    ORGANIZER,
    SENTENCE,
    contents_numbers,
    make_forum,
    outline,
    page_texts,
)

# Marks the module's tests as database tests, so that pytest-django sets the test database up
# before the module's fixture builds the book in it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def book(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        ensure_wagtail_tree()
        forum = make_forum(sessions=5, paper_pages=3, landscape_last=True)
        build = services.proceedings_build_create(forum=forum.forum, enqueue=False)
        build = services.proceedings_build_run(build_id=build.pk)
        assert build.status == BuildStatus.SUCCEEDED, build.error
        with build.document.file.open("rb") as file:
            pdf = file.read()
        data = {
            "pdf": pdf,
            "titles": forum.titles,
            "paper_title": forum.paper_session.title,
            "paper_pages": forum.paper_pages,
            "report": build.report,
            "page_count": build.page_count,
        }
        transaction.set_rollback(True)
    data["texts"] = page_texts(data["pdf"])
    data["outline"] = outline(data["pdf"])
    return data


def _page_of(texts: list[str], needle: str, start: int = 0) -> int:
    return next(n for n, text in enumerate(texts, start=1) if n > start and needle in text)


def test_book_outline_lists_sessions_in_agenda_order(book):
    sessions = [title for level, title, _page in book["outline"] if level == 1][1:-1]
    assert sessions == book["titles"]
    assert book["titles"][:3] == [
        "Phát biểu khai mạc diễn đàn",
        "Kiến tạo dữ liệu số – Nền tảng phát triển kinh tế – xã hội",
        "Hạ tầng dữ liệu số và mô hình đô thị thông minh",
    ]
    top = [title for level, title, _page in book["outline"] if level == 1]
    assert top[0] == "Lời nói đầu"
    assert top[-1] == "Chỉ mục diễn giả"
    assert "Giải lao" not in top  # a break is not a chapter


def test_book_outline_nests_the_paper_under_its_talk(book):
    entries = book["outline"]
    index = next(i for i, entry in enumerate(entries) if entry[1] == book["paper_title"])
    assert entries[index + 1][:2] == (2, "Toàn văn bài tham luận")
    assert [level for level, _t, _p in entries].count(2) == 1


def test_book_contents_numbers_are_the_pages_of_the_titles(book):
    texts = book["texts"]
    printed = contents_numbers(book["pdf"], book["titles"])
    contents_page = _page_of(texts, "Mục lục")
    for title, number in printed.items():
        assert number == _page_of(texts, title, start=contents_page), title
    outline_pages = {title: page for level, title, page in book["outline"] if level == 1}
    assert {title: outline_pages[title] for title in printed} == printed


def test_book_chapters_start_on_right_hand_pages(book):
    pages = [page for level, _title, page in book["outline"] if level == 1]
    assert all(page % 2 == 1 for page in pages), pages


def test_book_paper_pages_follow_the_talk_and_are_counted(book):
    texts = book["texts"]
    talk = _page_of(texts, book["paper_title"], start=_page_of(texts, "Mục lục"))
    first = _page_of(texts, "PAPER-PAGE-1")
    assert first > talk
    for n in range(1, book["paper_pages"] + 1):
        assert f"PAPER-PAGE-{n}" in texts[first + n - 2]
        assert f"Trang {first + n - 1} / {book['page_count']}" in texts[first + n - 2]
    # Every page stays A4 portrait; the landscape last page of the paper is scaled to fit.
    reader = PdfReader(io.BytesIO(book["pdf"]))
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    assert sizes == {(595, 842)}
    (paper_entry,) = [page for level, _t, page in book["outline"] if level == 2]
    assert paper_entry == first
    printed = contents_numbers(book["pdf"], ["Toàn văn bài tham luận"])
    assert printed["Toàn văn bài tham luận"] == first


def test_book_vietnamese_text_is_extracted_exactly(book):
    # Stored in NFD, printed in NFC: the extracted text equals the NFC sentence.
    text = " ".join(book["texts"])
    assert unicodedata.normalize("NFC", SENTENCE) in text
    reader = PdfReader(io.BytesIO(book["pdf"]))
    pypdf_text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Hoàng Minh Cường" in pypdf_text
    assert "Vũ Quốc Bảo" in pypdf_text


def test_book_has_running_header_and_page_footer(book):
    texts, total = book["texts"], book["page_count"]
    foreword = _page_of(texts, "Lời nói đầu")
    assert texts[foreword - 1].startswith(FORUM_NAME)
    assert texts[foreword - 1].endswith(f"Trang {foreword} / {total}")
    assert "Trang" not in texts[0]  # the cover
    assert texts[1] == ""  # the back of the cover is left blank


def test_book_metadata_title_author_language(book):
    reader = PdfReader(io.BytesIO(book["pdf"]))
    assert reader.metadata.title == f"Kỷ yếu · {FORUM_NAME}"
    assert reader.metadata.author == ORGANIZER
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages[:5]
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert any(name.endswith("+Be-Vietnam-Pro") for name in fonts), fonts


def test_book_report_lists_what_is_missing(book):
    report = book["report"]
    assert report["sessions"] == 5
    assert report["papers"] == 1
    codes = {(item["code"], item["where"]) for item in report["items"]}
    assert ("session_no_abstract", "Thảo luận: hợp tác khai thác dữ liệu số") in codes
    assert ("speaker_no_photo", "Vũ Quốc Bảo") in codes
    assert ("speaker_no_bio", "Vũ Quốc Bảo") in codes
    assert report["glyphs"] == []
    assert report["refused_urls"] == []


def test_book_index_of_speakers_follows_the_given_names(book):
    """Vietnamese names are indexed by the given name (the last word): Bảo, Cường, Khoa. Not by
    the family name or the whole name (Hoàng, Nguyễn, Vũ), nor in the order the speakers were
    created (Khoa, Cường, Bảo)."""
    texts = book["texts"]
    index_page = _page_of(texts, "Chỉ mục diễn giả", start=_page_of(texts, "Mục lục"))
    index = " ".join(texts[index_page - 1 :])
    names = ["Vũ Quốc Bảo", "Hoàng Minh Cường", "Nguyễn Văn Khoa"]
    positions = [index.index(name) for name in names]
    assert positions == sorted(positions), dict(zip(names, positions, strict=True))


def test_book_opens_everywhere_and_is_tagged(book):
    """The paper merge keeps the file valid (qpdf, Ghostscript and poppler render every page)
    and its metadata (the incremental update carries /Info over); the book is a tagged PDF."""
    report = pdf_check(book["pdf"], tagged=True)
    assert report.pages == book["page_count"]
    assert (report.info["Title"], report.info["Author"]) == (f"Kỷ yếu · {FORUM_NAME}", ORGANIZER)
    assert report.lang == "vi"


def _struct_elements(element):
    """``element`` and every structure element under it, depth first (reading order)."""
    yield element
    kids = element.get("/K")
    kids = kids.get_object() if kids is not None else []
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, dict) and kid.get("/Type", "/StructElem") == "/StructElem":
            yield from _struct_elements(kid)


def test_book_paper_pages_are_figures_of_the_structure_tree(book):
    """A screen reader meets each paper page where it is printed: a /Figure with its
    alternative text, in the placeholder's element, whose marked content is the drawing."""
    reader = PdfReader(io.BytesIO(book["pdf"]))
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    elements = list(_struct_elements(tree["/K"][0].get_object()))
    figures = [e for e in elements if e.get("/Alt", "").startswith("Bài tham luận")]
    pages = book["paper_pages"]
    assert [figure["/Alt"] for figure in figures] == [
        f"Bài tham luận “{book['paper_title']}”, trang {n} / {pages}" for n in range(1, pages + 1)
    ]
    parent_tree = dict(zip(*[iter(tree["/ParentTree"]["/Nums"])] * 2, strict=True))
    texts = book["texts"]
    for n, figure in enumerate(figures, start=1):
        number = reader.get_page_number(figure["/Pg"])
        assert f"PAPER-PAGE-{n}" in texts[number]  # the paper's page n is drawn there
        content = reader.pages[number].get_contents().get_data()
        assert f"/Figure <</MCID {figure['/K']}>> BDC".encode() in content
        entry = parent_tree[reader.pages[number]["/StructParents"]].get_object()
        assert entry[figure["/K"]].get_object() == figure
        placeholder = figure["/P"].get_object()
        assert (placeholder["/S"], placeholder["/P"].get_object()["/S"]) == ("/Div", "/Sect")
        assert reader.get_page_number(placeholder["/Pg"]) == number
    # In reading order, together, between two chapter titles.
    order = [e for e in elements if e.get("/S") == "/H1" or e in figures]
    first = order.index(figures[0])
    assert order[first : first + pages] == figures
    assert first > 0 and first + pages < len(order)
