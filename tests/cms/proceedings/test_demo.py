"""The demo forum (``load_demo``) makes a book, from the command line as in CI; the exhibitors
appendix lists the exhibition's approved booths."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from cms.models import ForumPage, SessionPage
from cms.proceedings.book import Book, BookExhibitor
from cms.proceedings.content import book_build
from cms.proceedings.render import book_render_pdf
from cms.proceedings.selectors import NOT_IN_BOOK
from core.time import HCM
from tests.conftest import ensure_wagtail_tree
from tests.factories.proceedings import contents_numbers, make_forum, outline, page_texts


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_demo_book_builds_with_every_session_in_agenda_order(db):
    ensure_wagtail_tree()
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("build_proceedings", stdout=out, stderr=io.StringIO())
    pdf = Path(out.getvalue().splitlines()[-1]).read_bytes()

    forum = ForumPage.objects.get(locale__language_code="vi")
    titles = list(
        SessionPage.objects.live()
        .descendant_of(forum)
        .exclude(kind__in=NOT_IN_BOOK)
        .order_by("starts_at", "room", "path")
        .values_list("title", flat=True)
    )
    assert len(titles) >= 5
    top = [title for level, title, _page in outline(pdf) if level == 1]
    assert top[0] == "Lời nói đầu"
    assert top[1 : 1 + len(titles)] == titles
    texts = page_texts(pdf)
    contents = next(n for n, text in enumerate(texts, start=1) if "Mục lục" in text)
    for title, number in contents_numbers(pdf, titles).items():
        first = next(n for n, text in enumerate(texts, start=1) if n > contents and title in text)
        assert number == first, title
    papers = SessionPage.objects.filter(pk__in=forum.get_descendants(), paper__isnull=False)
    assert [title for level, title, _ in outline(pdf) if level == 2] == [
        "Toàn văn bài tham luận"
    ] * papers.count()


def test_exhibitors_appendix_prints_booths_and_logos():
    book = Book(
        title="Kỷ yếu",
        forum_name="Diễn đàn",
        starts_at=dt.datetime(2023, 12, 27, 8, tzinfo=HCM),
        exhibitors=[
            BookExhibitor(name="Tập đoàn Viettel", booths="A01, A02", sector="Viễn thông"),
            BookExhibitor(name="Công ty Cổ phần BKAV", booths="A03", website="https://bkav.com"),
        ],
    )
    pdf = book_render_pdf(book=book)
    assert [title for _level, title, _page in outline(pdf)] == ["Phụ lục: đơn vị triển lãm"]
    text = " ".join(page_texts(pdf))
    assert "A01, A02 Tập đoàn Viettel" in text
    assert "A03 Công ty Cổ phần BKAV" in text


def test_exhibitors_with_approved_booths_make_the_appendix(db):
    ensure_wagtail_tree()
    forum = make_forum(sessions=1, paper_pages=0, images=False).forum
    try:
        booking_model = apps.get_model("exhibitors", "BoothBooking")
    except LookupError:  # the exhibition app is not there: the book has no appendix
        assert book_build(forum=forum).exhibitors == []
        return
    exhibitor_model = apps.get_model("exhibitors", "Exhibitor")
    booth_model = apps.get_model("exhibitors", "Booth")
    event = forum.event
    viettel = exhibitor_model.objects.create(
        name="Tập đoàn Viettel",
        slug="viettel",
        tax_code="0100109106",
        sector="telecom",
        contact_name="Lê Văn Hùng",
        contact_phone="0901234567",
        contact_email="hung@viettel.example",
    )
    for code, status in (("A01", "approved"), ("A02", "approved"), ("A03", "requested")):
        booth = booth_model.objects.create(
            event=event, code=code, price_vnd=12_000_000, x_m=0, y_m=0
        )
        booking_model.objects.create(
            event=event, booth=booth, exhibitor=viettel, status=status, price_vnd=12_000_000
        )
    (entry,) = book_build(forum=forum).exhibitors
    assert (entry.name, entry.booths) == ("Tập đoàn Viettel", "A01, A02")
