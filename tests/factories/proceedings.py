"""A forum for the proceedings tests, made through Wagtail's page tree like an editor would,
and helpers that read a PDF back (pypdf and pdftotext)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.demo import load_home
from cms.enums import OrganizerRole, SessionKind, SpeakerRole
from cms.models import AgendaPage, ForumOrganizer, ForumPage, SessionPage, SessionSpeaker, Speaker
from core.pdf import render_html_to_pdf
from core.time import HCM
from events.models import Event

FORUM_NAME = "Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023"
ORGANIZER = "UBND TP Hải Phòng và VINASA"
# Stored decomposed (NFD), as some Vietnamese keyboards type it; the book prints it in NFC.
SENTENCE = (
    "Năm 2023 thành phố xử lý hơn 956.000 hồ sơ trực tuyến, chiếm 90,7% tổng số hồ sơ; "
    "tỉ trọng kinh tế số ước đạt 24,5%, đứng thứ 4/63 tỉnh."
)


def jpeg(name: str, size=(1200, 800), colour=(11, 79, 138)) -> ImageFile:
    image = PILImage.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return ImageFile(buffer, name=name)


def wagtail_image(title: str, **kwargs):
    return get_image_model().objects.create(title=title, file=jpeg(f"{title}.jpg", **kwargs))


def paper_pdf(title: str, pages: int, *, landscape_last: bool = False) -> bytes:
    parts = []
    for n in range(1, pages + 1):
        size = "A4 landscape" if landscape_last and n == pages else "A4"
        parts.append(
            f"<section style='page: p{n}'><h1>PAPER-PAGE-{n}</h1><p>{title}</p></section>"
            f"<style>@page p{n} {{ size: {size}; margin: 20mm }}</style>"
        )
    return render_html_to_pdf("<html><body>" + "".join(parts) + "</body></html>")


def paper_document(title: str, pages: int, **kwargs):
    return get_document_model().objects.create(
        title=title, file=ContentFile(paper_pdf(title, pages, **kwargs), name=f"{title}.pdf")
    )


@dataclass
class ForumFixture:
    forum: ForumPage
    agenda: AgendaPage
    sessions: list[SessionPage] = field(default_factory=list)  # chapters, in agenda order
    speakers: list[Speaker] = field(default_factory=list)
    paper_session: SessionPage | None = None
    paper_pages: int = 0

    @property
    def titles(self) -> list[str]:
        return [session.title for session in self.sessions]


def session(agenda, title, start, minutes=30, **fields) -> SessionPage:
    starts_at = dt.datetime(2023, 12, 27, *start, tzinfo=HCM)
    page = SessionPage(
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        **fields,
    )
    agenda.add_child(instance=page)
    return page


def speaker(name, position="", organization="", photo=True, bio=True) -> Speaker:
    return Speaker.objects.create(
        name=name,
        position=position,
        organization=organization,
        photo=wagtail_image(f"anh-{len(name)}-{name[-3:]}", size=(400, 400)) if photo else None,
        photo_alt=name if photo else "",
        bio=f"<p>{name} có hơn 20 năm kinh nghiệm về chuyển đổi số.</p>" if bio else "",
    )


def link(page, person, role=SpeakerRole.SPEAKER, order=0):
    SessionSpeaker.objects.create(page=page, speaker=person, role=role, sort_order=order)


def body(*blocks) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def make_forum(
    *, sessions: int = 4, paper_pages: int = 3, images: bool = True, landscape_last: bool = False
) -> ForumFixture:
    """A forum with an agenda in which sessions are created out of order (the book follows
    the agenda's times), a break (not a chapter), a panel with a moderator, a paper."""
    from events.demo import SEED_DAY, load_event

    event = load_event(day=SEED_DAY)
    Event.objects.filter(pk=event.pk).update(name=FORUM_NAME, organizer=ORGANIZER)
    event.refresh_from_db()
    home = load_home(event)
    forum = ForumPage(
        title=FORUM_NAME,
        slug="dien-dan-2023",
        event=event,
        foreword="<p>Cuốn kỷ yếu này tập hợp các bài tham luận tại Diễn đàn.</p>",
    )
    home.add_child(instance=forum)
    forum.save_revision().publish()
    ForumOrganizer.objects.create(
        page=forum,
        role=OrganizerRole.ORGANIZER,
        name="UBND TP Hải Phòng",
        logo=wagtail_image("logo-ubnd", size=(300, 120)) if images else None,
        sort_order=0,
    )
    agenda = AgendaPage(title="Chương trình", slug="chuong-trinh")
    forum.add_child(instance=agenda)

    khoa = speaker("Nguyễn Văn Khoa", "Chủ tịch", "VINASA", photo=images)
    cuong = speaker("Hoàng Minh Cường", "Phó Chủ tịch", "UBND TP Hải Phòng", photo=images)
    bao = speaker("Vũ Quốc Bảo", "Giám đốc", "Sở Thông tin và Truyền thông", photo=False, bio=False)
    figure = wagtail_image("trung-bay", size=(1600, 1000)) if images else None
    sentence_nfd = unicodedata.normalize("NFD", SENTENCE)
    article = [
        ("heading", {"text": "Kết quả nổi bật", "level": "h2"}),
        ("paragraph", f"<p>{sentence_nfd}</p>" + "<p>Hải Phòng đi đầu cả nước. </p>" * 6),
        ("quote", {"quote": "Dữ liệu là tài nguyên mới.", "attribution": "Nguyễn Văn Khoa"}),
        (
            "table",
            {
                "data": [["Chỉ số", "2022", "2023"], ["Hồ sơ trực tuyến", "60,2%", "90,7%"]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "",
            },
        ),
    ]
    if figure:
        article.insert(
            2,
            (
                "image",
                {
                    "image": {
                        "image": figure.pk,
                        "alt_text": "Gian trưng bày",
                        "decorative": False,
                    },
                    "caption": "Trưng bày thành tựu chuyển đổi số",
                },
            ),
        )

    # Created out of order on purpose: the book must follow the agenda's times.
    titles = [
        ("Hạ tầng dữ liệu số và mô hình đô thị thông minh", (10, 0)),
        ("Phát biểu khai mạc diễn đàn", (8, 30)),
        ("Kiến tạo dữ liệu số – Nền tảng phát triển kinh tế – xã hội", (9, 0)),
        ("Thảo luận: hợp tác khai thác dữ liệu số", (10, 30)),
    ]
    extra = [(f"Tham luận số {n}: giải pháp chuyển đổi số", (11, n)) for n in range(sessions - 4)]
    chapters = []
    paper = (
        paper_document("bai-tham-luan", paper_pages, landscape_last=landscape_last)
        if paper_pages
        else None
    )
    for title, start in (titles + extra)[:sessions]:
        fields = {"abstract": "<p>Tóm tắt: kết quả và định hướng đến năm 2030.</p>"}
        if title.startswith("Kiến tạo"):
            fields.update(body=body(*article), paper=paper)
        if title.startswith("Thảo luận"):
            fields.update(kind=SessionKind.PANEL, abstract="")
        chapters.append(session(agenda, title, start, **fields))
    session(agenda, "Giải lao", (9, 45), minutes=15, kind=SessionKind.BREAK)
    by_title = {page.title: page for page in chapters}
    if opening := by_title.get("Phát biểu khai mạc diễn đàn"):
        link(opening, cuong)
    if talk := by_title.get("Kiến tạo dữ liệu số – Nền tảng phát triển kinh tế – xã hội"):
        link(talk, khoa)
    if panel := by_title.get("Thảo luận: hợp tác khai thác dữ liệu số"):
        link(panel, khoa, order=0)
        link(panel, bao, role=SpeakerRole.MODERATOR, order=1)
        link(panel, cuong, order=2)
    chapters.sort(key=lambda page: page.starts_at)
    return ForumFixture(
        forum=forum,
        agenda=agenda,
        sessions=chapters,
        speakers=[khoa, cuong, bao],
        paper_session=next((s for s in chapters if s.paper_id), None),
        paper_pages=paper_pages,
    )


# --- Reading a PDF back -----------------------------------------------------------------------


def squash(text: str) -> str:
    """Whitespace collapsed (line breaks of the layout do not matter)."""
    return " ".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, by pdftotext (poppler), whitespace collapsed."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return [squash(page) for page in result.stdout.decode().split("\f")][: page_count(pdf)]


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """(level, title, page number) of every bookmark, in order."""
    reader = PdfReader(io.BytesIO(pdf))
    entries = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                entries.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return entries


def contents_numbers(pdf: bytes, titles: list[str]) -> dict[str, int]:
    """The page number printed after each title in the contents (the first pages)."""
    texts = page_texts(pdf)
    contents = next(text for text in texts if "Mục lục" in text)
    numbers = {}
    for title in titles:
        match = re.search(re.escape(squash(title)) + r"[\s.]*?(\d+)\b", contents)
        assert match, f"{title!r} not in the contents: {contents}"
        numbers[title] = int(match.group(1))
    return numbers
