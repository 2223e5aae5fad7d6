"""Badges read back from the PDF: exact Vietnamese names (pdftotext), the QR decoded to exactly
the token (pdftoppm + zxing-cpp), A6 size, embedded font, colour band, A4 sheets of four."""

import io
import re
import subprocess
import unicodedata

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from events.pdf.badges import badge_context, badge_render_pdf, badge_sheets_render_pdf, fit_text
from events.services import registration_create, registration_reissue_badge
from events.services.badges import badge_sheets_build_pdf
from tests.factories.events import make_category, make_event
from tests.factories.pdf import pdf_page_png, pdf_qr_codes, pdf_qr_tokens, pdf_text
from tests.factories.pdfcheck import pdf_check

pytestmark = pytest.mark.django_db

MM = 72 / 25.4
FORTY = "Nguyễn Hoàng Thị Phương Thảo Linh Nguyệt Ánh"[:40]


def register(name, n=1, **kwargs):
    event = kwargs.pop("event", None) or make_event()
    category = kwargs.pop("category", None) or make_category(event, badge_colour="#b91c1c")
    return registration_create(
        event=event,
        category=category,
        full_name=name,
        email=f"b{n}@example.com",
        organization=kwargs.pop("organization", "Sở Thông tin và Truyền thông Hải Phòng"),
        title=kwargs.pop("title", "Phó Giám đốc"),
        skip_email_confirmation=True,
        **kwargs,
    )


@pytest.mark.parametrize("name", ["Nguyễn Thị Ánh Tuyết", "Đặng Quốc Bảo", "Hoàng Minh Cường"])
def test_badge_text_reads_back_the_exact_name_in_nfc(name):
    registration = register(unicodedata.normalize("NFD", name))
    lines = pdf_text(badge_render_pdf(registration=registration)).splitlines()
    assert name in lines
    assert unicodedata.is_normalized("NFC", next(line for line in lines if line == name))
    assert "Sở Thông tin và Truyền thông Hải Phòng" in lines
    assert "ĐẠI BIỂU" in lines  # the category, on the colour band


def test_badge_qr_decodes_to_exactly_the_token_and_a_reissue_to_the_new_one(tmp_path):
    registration = register("Đặng Quốc Bảo")
    codes = pdf_qr_codes(badge_render_pdf(registration=registration), tmp_path)
    assert [code.text for code in codes] == [registration.token]
    assert codes[0].ec_level in {"M", "Q", "H"}
    old = registration.token
    reissued = registration_reissue_badge(registration=registration)
    assert pdf_qr_tokens(badge_render_pdf(registration=reissued), tmp_path) == [reissued.token]
    assert reissued.token != old


def test_badge_qr_is_at_least_3_cm(tmp_path):
    registration = register("Hoàng Minh Cường")
    (code,) = pdf_qr_codes(badge_render_pdf(registration=registration), tmp_path)
    position = code.position
    width_px = abs(position.top_right.x - position.top_left.x)
    width_cm = width_px / 200 * 2.54  # rendered at 200 dpi; finder pattern corners
    assert width_cm >= 3.2


def test_badge_is_one_a6_page_with_the_font_embedded():
    registration = register("Nguyễn Thị Ánh Tuyết")
    reader = PdfReader(io.BytesIO(badge_render_pdf(registration=registration)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (105, 148)
    fonts = {str(font["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all(name.split("+")[-1].startswith("Be-Vietnam-Pro") for name in fonts)
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor  # embedded TrueType


def test_badge_has_the_category_colour_band(tmp_path):
    registration = register("Đặng Quốc Bảo")
    image = pdf_page_png(badge_render_pdf(registration=registration), tmp_path, dpi=50)
    width, height = image.size
    assert image.getpixel((3, 3)) == (0xB9, 0x1C, 0x1C)  # top band
    assert image.getpixel((3, height - 3)) == (0xB9, 0x1C, 0x1C)  # bottom band
    assert image.getpixel((width // 2, height // 2 - 20)) != (0xB9, 0x1C, 0x1C)


WORD = re.compile(
    r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>'
)


def _name_lines(pdf: bytes, words: list[str]) -> tuple[set[int], float]:
    """The y positions (pdftotext -bbox) of the lines holding ``words`` in the name area, and
    the rightmost x they reach."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True
    ).stdout.decode()
    ys, right = set(), 0.0
    for y_min, x_max, text in WORD.findall(html):
        if text in words and float(y_min) < 230:
            ys.add(round(float(y_min)))
            right = max(right, float(x_max))
    return ys, right


def test_a_forty_character_name_stays_on_two_lines_within_the_badge():
    assert len(FORTY) == 40
    registration = register(FORTY)
    pdf = badge_render_pdf(registration=registration)
    lines, right = _name_lines(pdf, FORTY.split())
    assert 1 <= len(lines) <= 2
    assert right <= (105 - 6) * MM  # inside the badge, margin kept
    assert " ".join(pdf_text(pdf).split()).count(FORTY) == 1


def test_name_size_shrinks_with_length():
    short = fit_text("Đặng Quốc Bảo", max_size=26, min_size=11, max_lines=2)
    long = fit_text(FORTY, max_size=26, min_size=11, max_lines=2)
    assert short.lines == ["Đặng Quốc Bảo"] and short.size == 26
    assert len(long.lines) == 2 and 11 <= long.size < 26


def test_sheets_put_four_badges_on_each_a4_page(tmp_path):
    event = make_event()
    category = make_category(event, badge_colour="#15803d")
    registrations = [
        register(name, n, event=event, category=category)
        for n, name in enumerate(
            ["Nguyễn Văn Khoa", "Trần Thị Bích Ngọc", "Lê Hoàng Nam", "Phạm Thu Hà", "Vũ Đức Anh"]
        )
    ]
    pdf = badge_sheets_render_pdf(registrations=registrations)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)
    assert pdf_qr_tokens(pdf, tmp_path, page=1) == sorted(r.token for r in registrations[:4])
    assert pdf_qr_tokens(pdf, tmp_path, page=2) == [registrations[4].token]
    text = pdf_text(pdf)
    assert all(r.full_name in text for r in registrations)


def test_badge_file_names_are_safe_in_a_header_whatever_the_name():
    from django.utils.http import content_disposition_header

    from events.models import Registration
    from events.pdf.badges import badge_filename

    odd = Registration(pk=7, full_name='Lê "Tí"; Văn\r\nX-Evil: 1')
    assert badge_filename(odd) == "badge-le-ti-van-x-evil-1.pdf"
    assert badge_filename(Registration(pk=8, full_name="张伟")) == "badge-8.pdf"
    header = content_disposition_header(False, badge_filename(odd))
    assert header == 'inline; filename="badge-le-ti-van-x-evil-1.pdf"'


def pdf_language_and_title(pdf: bytes) -> tuple[str, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return str(reader.trailer["/Root"].get("/Lang")), reader.metadata.title


def test_badges_are_printed_in_their_holders_language_whoever_prints_them(settings):
    event = make_event()
    category = make_category(event)
    english = [
        register(name, n, event=event, category=category, language="en")
        for n, name in enumerate(["John Smith", "Nguyễn Văn Khoa"])
    ]
    vietnamese = register("Trần Thị Bích Ngọc", 3, event=event, category=category)
    with translation.override("vi"):  # the organizer's admin, or the worker's default
        assert pdf_language_and_title(badge_sheets_render_pdf(registrations=english)) == (
            "en",
            "Badges",
        )
        assert pdf_language_and_title(badge_render_pdf(registration=english[0]))[0] == "en"
        batch = badge_sheets_build_pdf(registrations=english)  # the background task's PDF
        assert pdf_language_and_title(batch) == ("en", "Badges")
    with translation.override("en"):
        mixed = badge_sheets_render_pdf(registrations=[*english, vietnamese])
        assert pdf_language_and_title(mixed) == ("vi", "Thẻ")  # the event's default
        assert pdf_language_and_title(badge_render_pdf(registration=vietnamese))[0] == "vi"
    assert settings.LANGUAGE_CODE == "vi"


def test_a_badge_names_the_event_and_category_in_its_holders_language():
    event = make_event(
        name="Diễn đàn Chuyển đổi số Hải Phòng",
        name_en="Hai Phong Digital Forum",
        venue="Cung Văn hoá Lao động",
        venue_en="Workers' Cultural Palace",
        organizer="UBND TP Hải Phòng",
        organizer_en="Hai Phong People's Committee",
    )
    category = make_category(event, name="Báo chí", name_en="Press")
    english = register("John Smith", 1, event=event, category=category, language="en")
    vietnamese = register("Trần Thị Bích Ngọc", 2, event=event, category=category)
    with translation.override("vi"):  # whoever prints it
        english_pdf = badge_render_pdf(registration=english)
        english_lines = pdf_text(english_pdf).splitlines()
        sheet_lines = pdf_text(badge_sheets_render_pdf(registrations=[english, vietnamese]))
    assert "PRESS" in english_lines
    assert "BÁO CHÍ" not in english_lines
    assert "Hai Phong Digital Forum" in english_lines
    assert any(line.endswith("· Workers' Cultural Palace") for line in english_lines)
    assert pdf_check(english_pdf).info["Author"] == "Hai Phong People's Committee"
    with translation.override("en"):
        vietnamese_lines = pdf_text(badge_render_pdf(registration=vietnamese)).splitlines()
    assert "BÁO CHÍ" in vietnamese_lines
    assert "Diễn đàn Chuyển đổi số Hải Phòng" in vietnamese_lines
    assert "PRESS" not in vietnamese_lines
    assert sheet_lines.splitlines().count("PRESS") == 1
    assert sheet_lines.splitlines().count("BÁO CHÍ") == 1


def test_an_english_badge_marks_the_vietnamese_fallback_lang_vi():
    event = make_event(name="Diễn đàn Chuyển đổi số Hải Phòng", name_en="Hai Phong Digital Forum")
    category = make_category(event, name="Đại biểu")  # no English name
    english = register("John Smith", 1, event=event, category=category, language="en")
    card = render_to_string("pdf/badge_card.html", {"b": badge_context(english), "slot": None})
    assert '<div class="badge" lang="en">' in card
    assert 'lang="vi">Đại biểu</div>' in card
    assert '<b style="font-size: 8.5pt">Hai Phong Digital Forum</b>' in card
    assert '<span lang="vi">Trung tâm Hội nghị thành phố Hải Phòng</span>' in card
    assert "ĐẠI BIỂU" in pdf_text(badge_render_pdf(registration=english)).splitlines()


def test_badge_pdf_opens_everywhere():
    """qpdf, Ghostscript, poppler: no warning, every page; Title, Author, Lang, embedded fonts."""
    registration = register("Nguyễn Thị Ánh Tuyết", event=make_event(organizer="UBND TP Hải Phòng"))
    report = pdf_check(badge_render_pdf(registration=registration))
    assert (report.pages, report.lang) == (1, "vi")
    assert report.info["Title"] == "Nguyễn Thị Ánh Tuyết"
    assert report.info["Author"] == "UBND TP Hải Phòng"


def test_badge_author_is_the_event_when_no_organizer_is_set():
    event = make_event(organizer="")
    report = pdf_check(badge_render_pdf(registration=register("Lê Văn Tám", event=event)))
    assert report.info["Author"] == event.name


def test_badge_sheets_merged_from_chunks_open_everywhere_with_one_tag_per_font_subset():
    """The background task merges chunks rendered separately: each chunk's font subsets hold
    other glyphs under the same WeasyPrint tag, renamed while merging."""
    event = make_event(organizer="UBND TP Hải Phòng")
    category = make_category(event)
    names = ["Nguyễn Văn Khoa", "Trần Thị Bích Ngọc", "Lê Hoàng Nam", "Phạm Thu Hà"]
    names += ["Vũ Đức Anh", "Đặng Quốc Bảo", "Hoàng Minh Cường", "Bùi Xuân Phái", "Ông Ích Khiêm"]
    registrations = [
        register(name, n, event=event, category=category) for n, name in enumerate(names)
    ]
    pdf = badge_sheets_build_pdf(registrations=registrations, chunk=4)
    report = pdf_check(pdf)
    assert report.pages == 3
    assert (report.info["Title"], report.info["Author"], report.lang) == (
        "Thẻ",
        "UBND TP Hải Phòng",
        "vi",
    )
    tags = [font.name.split("+")[0] for font in report.fonts]
    assert len(report.fonts) >= 3 * 2  # two weights in each of the three chunks
    assert len(tags) == len(set(tags))
    assert all(name in pdf_text(pdf) for name in names)


def test_badge_sheets_of_one_document_open_everywhere():
    event = make_event(organizer="UBND TP Hải Phòng")
    registrations = [register(f"Người Tham Dự {n}", n, event=event) for n in range(5)]
    report = pdf_check(badge_sheets_render_pdf(registrations=registrations))
    assert (report.pages, report.info["Title"], report.lang) == (2, "Thẻ", "vi")
