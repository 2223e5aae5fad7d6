"""Demo pages of the site, from the seed article (Hai Phong, 27-12-2023).

``load_home`` makes the home page the site root; ``load_site`` builds every page type below it
(forum, agenda with sessions, speakers, exhibition, news, standard pages) in Vietnamese and their
English translations. The seed gives the opening speech, VINASA's address, the opening of the
exhibition and the themes of the panels; the other sessions and speakers are invented, and the
agenda page says so. Everything is idempotent: running it again changes nothing, except the
dates when the event was moved to another day (``events.demo.load_event``): the sessions and the
news keep the seed's times of day, on the event's day.
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.enums import OrganizerRole, SessionKind, SpeakerRole
from cms.models import (
    AgendaPage,
    ExhibitionPage,
    ForumOrganizer,
    ForumPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SessionAttachment,
    SessionPage,
    SessionSpeaker,
    Speaker,
    SpeakerIndexPage,
    StandardPage,
)
from core.pdf import render_html_to_pdf
from core.text import fold
from core.time import HCM
from events.demo import SEED_DAY, demo_offset
from events.models import Event

SEED_LEAD = (
    "Hải Phòng là địa phương đi đầu cả nước thực hiện thành công một số lĩnh vực Chính phủ lựa "
    "chọn thành phố triển khai thí điểm như xây dựng dữ liệu dân cư, hóa đơn điện tử, cấp đổi "
    "giấy phép lái xe."
)
SEED_BODY = (
    "<p>Ngày 27-12, UBND TP Hải Phòng phối hợp với Hiệp hội Phần mềm và Dịch vụ Công nghệ Thông "
    "tin Việt Nam (VINASA) tổ chức Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023 với chủ đề "
    "“Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội”.</p>"
    "<p>Đây là sự kiện nằm trong chuỗi hoạt động hưởng ứng Năm dữ liệu số quốc gia theo chỉ đạo "
    "của Thủ tướng Chính phủ. Diễn đàn nhằm mang đến cơ hội gặp gỡ, trao đổi về khả năng, nhu "
    "cầu, giải pháp và các chính sách để thúc đẩy chuyển đổi số trên các lĩnh vực, giới thiệu và "
    "trải nghiệm công nghệ tiên tiến.</p>"
    "<p>Trong khuôn khổ sự kiện, triển lãm “Thành tựu và giải pháp công nghệ” giới thiệu thành "
    "tựu chuyển đổi số của Hải Phòng với 20 gian hàng trưng bày của các ngành, địa phương và các "
    "doanh nghiệp công nghệ lớn như Viettel, BKAV, FPT, MobiFone.</p>"
)
EN_TITLE = "Hai Phong Digital Transformation Forum 2023"
EN_LEAD = (
    "Hai Phong leads the country in several pilots chosen by the Government: population data, "
    "electronic invoices and the renewal of driving licences."
)
EN_BODY = (
    "<p>On 27 December, the Hai Phong People's Committee and the Vietnam Software and IT Services "
    "Association (VINASA) hold the Hai Phong Digital Transformation Forum 2023, themed “Building "
    "digital data – the foundation of socio-economic development”.</p>"
    "<p>Alongside the forum, the exhibition “Achievements and technology solutions” shows 20 "
    "booths from city departments and technology companies such as Viettel, BKAV, FPT and "
    "MobiFone.</p>"
)


def site_address() -> tuple[str, int]:
    """The Wagtail Site's hostname and port, from the public address (``BASE_URL``), so that
    the addresses Wagtail builds (sitemap, page URLs in the admin) are the public ones."""
    address = urlsplit(settings.BASE_URL)
    return address.hostname or "localhost", address.port or (
        443 if address.scheme == "https" else 80
    )


@transaction.atomic
def load_home(event: Event) -> HomePage:
    """Make the forum's home page the site root, in Vietnamese and English. Idempotent."""
    home = HomePage.objects.filter(locale__language_code="vi").first()
    if home is None:
        root = Page.get_first_root_node()
        vi = Locale.objects.get_or_create(language_code="vi")[0]
        home = HomePage(
            title=event.name,
            slug="trang-chu",
            locale=vi,
            event=event,
            lead=SEED_LEAD,
            body=SEED_BODY,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root_id = site.root_page_id if site else None
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "root_page": home,
                "site_name": event.name,
            },
        )
        if old_root_id and old_root_id != home.pk:
            old = Page.objects.get(pk=old_root_id)
            if not isinstance(old.specific, HomePage):
                old.delete()
    site = Site.objects.filter(is_default_site=True, root_page=home).first()
    if site is not None and (site.hostname, site.port) != site_address():
        site.hostname, site.port = site_address()
        site.save()  # through save(): Wagtail clears its cached site root paths
    en = Locale.objects.get_or_create(language_code="en")[0]
    if not HomePage.objects.filter(translation_key=home.translation_key, locale=en).exists():
        home_en = home.copy_for_translation(en)
        home_en.title, home_en.lead, home_en.body = EN_TITLE, EN_LEAD, EN_BODY
        home_en.save_revision().publish()
    return home


# --- Helpers ----------------------------------------------------------------------------------


def _at(hour: int, minute: int = 0) -> dt.datetime:
    """A time of the seed's day; ``load_site`` moves it to the event's day."""
    return dt.datetime.combine(SEED_DAY, dt.time(hour, minute), tzinfo=HCM)


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _paragraphs(*paragraphs: str) -> list:
    return [("paragraph", _p(text)) for text in paragraphs]


def _raw(blocks: list | None) -> list[dict]:
    """StreamField blocks given as ``(type, value)`` pairs, in their stored (JSON) form."""
    return [{"type": kind, "value": value} for kind, value in (blocks or [])]


def _placeholder_image(
    *, title: str, label: str, size: tuple[int, int], colour: str, description: str
):
    """A plain image with a few letters on it (the demo has no real photos or logos)."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    font_size = max(16, min(size) // 3)
    try:
        font = ImageFont.load_default(size=font_size)
    except (TypeError, OSError):  # pragma: no cover - old Pillow
        font = None
    if label:  # ASCII: the default font lacks ạ, đ…
        box = draw.textbbox((0, 0), label, font=font)
        x = (size[0] - (box[2] - box[0])) / 2
        y = (size[1] - (box[3] - box[1])) / 2 - box[1]
        draw.text((x, y), label, fill="white", font=font)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    name = (fold(title).replace(" ", "-")[:60] or "image") + ".png"
    return Image.objects.create(
        title=title, description=description, file=ImageFile(buffer, name=name)
    )


def _demo_pdf(*, title: str, heading: str, paragraphs: list[str]) -> object:
    """A small PDF document (slides or a paper) rendered with the shared renderer."""

    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return existing
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>@page {{ size: A4; margin: 2cm }} "
        'html { font-family: "DejaVu Sans", sans-serif; } h1 { font-size: 20pt }</style>'
        f"</head><body><h1>{heading}</h1>{body}</body></html>"
    )
    pdf = render_html_to_pdf(html)
    name = (fold(title).replace(" ", "-")[:60] or "document") + ".pdf"
    return Document.objects.create(title=title, file=ContentFile(pdf, name=name))


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """The live child ``slug`` of ``parent``, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, locale_id=parent.locale_id, **fields)
    parent.add_child(instance=page)
    return _publish(page)


def _redate(page: Page, **fields) -> None:
    """Give ``page`` and its translations these date fields (a new published revision each),
    where they differ: the demo forum was moved to another day."""
    model = type(page)
    for each in model.objects.filter(translation_key=page.translation_key):
        if any(getattr(each, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(each, name, value)
            _publish(each)


def _translate(page: Page, locale: Locale, **fields) -> Page:
    """The translation of ``page`` into ``locale``, copied and published if missing."""
    model = type(page)
    existing = model.objects.filter(translation_key=page.translation_key, locale=locale).first()
    if existing is not None:
        return existing
    copy = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    return _publish(copy)


# --- Speakers ---------------------------------------------------------------------------------

ILLUSTRATIVE_BIO = "<p>Diễn giả minh họa của bản demo: tên, chức vụ và tiểu sử là giả định.</p>"
ILLUSTRATIVE_BIO_EN = (
    "<p>An illustrative speaker of the demo: the name, position and biography are invented.</p>"
)

# key: (name, position, position_en, organization, organization_en, bio, bio_en, colour)
SPEAKERS = {
    "cuong": (
        "Hoàng Minh Cường",
        "Phó Chủ tịch",
        "Vice Chairman",
        "UBND TP Hải Phòng",
        "Hai Phong People's Committee",
        "<p>Phó Chủ tịch UBND TP Hải Phòng, phát biểu khai mạc Diễn đàn Chuyển đổi số TP Hải "
        "Phòng năm 2023.</p>",
        "<p>Vice Chairman of the Hai Phong People's Committee; opened the Hai Phong Digital "
        "Transformation Forum 2023.</p>",
        "#0b4f8a",
    ),
    "khoa": (
        "Nguyễn Văn Khoa",
        "Chủ tịch",
        "Chairman",
        "Hiệp hội Phần mềm và Dịch vụ CNTT Việt Nam (VINASA)",
        "Vietnam Software and IT Services Association (VINASA)",
        "<p>Chủ tịch VINASA. Tại diễn đàn, ông cho biết Hải Phòng có vị thế đặc biệt quan trọng "
        "trong vùng kinh tế Bắc bộ.</p>",
        "<p>Chairman of VINASA. At the forum he stressed Hai Phong's key role in the northern "
        "economic region.</p>",
        "#7c3aed",
    ),
    "dat": (
        "Đỗ Đức Đạt",
        "Giám đốc Trung tâm Dữ liệu (minh họa)",
        "Director of the Data Centre (illustrative)",
        "Sở Thông tin và Truyền thông TP Hải Phòng",
        "Hai Phong Department of Information and Communications",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#0f766e",
    ),
    "huong": (
        "Ngô Thị Hương",
        "Trưởng phòng Công nghệ thông tin (minh họa)",
        "Head of IT (illustrative)",
        "Bệnh viện Hữu nghị Việt Tiệp",
        "Viet Tiep Friendship Hospital",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#b91c1c",
    ),
    "nam": (
        "Vũ Hoàng Nam",
        "Giám đốc giải pháp chính quyền số (minh họa)",
        "Director of digital government solutions (illustrative)",
        "Viettel",
        "Viettel",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#dc2626",
    ),
    "lan_anh": (
        "Nguyễn Thị Lan Anh",
        "Giám đốc dữ liệu (minh họa)",
        "Chief data officer (illustrative)",
        "FPT",
        "FPT",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#ea580c",
    ),
    "tuan": (
        "Bùi Minh Tuấn",
        "Phó Tổng giám đốc (minh họa)",
        "Deputy CEO (illustrative)",
        "BKAV",
        "BKAV",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#15803d",
    ),
    "trang": (
        "Đặng Thu Trang",
        "Giám đốc khách hàng doanh nghiệp (minh họa)",
        "Head of enterprise customers (illustrative)",
        "MobiFone",
        "MobiFone",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#1d4ed8",
    ),
    "hai": (
        "Phạm Văn Hải",
        "Phó Giám đốc (minh họa)",
        "Deputy Director (illustrative)",
        "Cảng vụ Hàng hải Hải Phòng",
        "Hai Phong Maritime Administration",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#0369a1",
    ),
    "vinh": (
        "Trịnh Quang Vinh",
        "Chủ tịch (minh họa)",
        "Chairman (illustrative)",
        "Hiệp hội Logistics Hải Phòng",
        "Hai Phong Logistics Association",
        ILLUSTRATIVE_BIO,
        ILLUSTRATIVE_BIO_EN,
        "#a16207",
    ),
}


def _initials(name: str) -> str:
    words = name.split()
    return (words[0][0] + words[-1][0]).upper() if len(words) > 1 else name[:2].upper()


def load_speakers() -> dict[str, Speaker]:
    speakers = {}
    for key, (name, pos, pos_en, org, org_en, bio, bio_en, colour) in SPEAKERS.items():
        speaker = Speaker.objects.filter(name=name).first()
        if speaker is None:
            photo = _placeholder_image(
                title=f"Ảnh {name}",
                label=_initials(fold(name)),  # ASCII
                size=(480, 480),
                colour=colour,
                description=f"Ảnh minh họa cho diễn giả {name}",
            )
            speaker = Speaker(
                name=name,
                position=pos,
                position_en=pos_en,
                organization=org,
                organization_en=org_en,
                bio=bio,
                bio_en=bio_en,
                photo=photo,
                photo_alt=f"Ảnh minh họa: chữ viết tắt tên {name}",
            )
            speaker.full_clean()
            speaker.save()
        speakers[key] = speaker
    return speakers


# --- Sessions ---------------------------------------------------------------------------------

OPENING_BODY = [
    ("heading", {"text": "Năm thứ hai của chủ đề chuyển đổi số", "level": "h2"}),
    *_paragraphs(
        "Phát biểu khai mạc diễn đàn, ông Hoàng Minh Cường, Phó Chủ tịch UBND TP Hải Phòng, nhấn "
        "mạnh năm 2023 là năm thứ 2 Hải Phòng tiếp tục lựa chọn chủ đề “Đẩy mạnh chỉnh trang, "
        "hiện đại hóa đô thị - Xây dựng Nông thôn mới kiểu mẫu - Thực hiện Chuyển đổi số”. Điều "
        "này khẳng định sự quyết tâm của Thành ủy, HĐND, UBND TP Hải Phòng đối với công tác "
        "chuyển đổi số.",
        "Theo đó, thành phố đã ban hành Kế hoạch 12/KH-UBND về chuyển đổi số, trong đó có tổng số "
        "75 nhiệm vụ giao cho 28 đơn vị với tổng kinh phí thường xuyên thực hiện gần 400 tỉ đồng. "
        "Các nhiệm vụ được giao tập trung vào việc số hóa, phát triển dữ liệu chuyên ngành hỗ trợ "
        "trong quản lý, điều hành, giải quyết thủ tục hành chính; tiến tới xây dựng kho dữ liệu "
        "dùng chung, cổng dữ liệu mở.",
    ),
    (
        "table",
        {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "Kết quả chuyển đổi số của Hải Phòng năm 2023",
            "data": [
                ["Chỉ tiêu", "Kết quả"],
                ["Dịch vụ công trực tuyến mức 4", "100% (hơn 1.700 dịch vụ)"],
                ["Hồ sơ trực tuyến năm 2023", "hơn 956.000 (90,7%)"],
                ["Tỉ lệ thanh toán trực tuyến", "50%"],
                ["Kinh tế số ICT/GRDP", "ước đạt 24,5%, đứng 4/63 tỉnh"],
            ],
        },
    ),
    *_paragraphs(
        "Hải Phòng cũng là địa phương đi đầu cả nước thực hiện thành công một số lĩnh vực Chính "
        "phủ lựa chọn thành phố triển khai thí điểm như xây dựng dữ liệu dân cư, hóa đơn điện "
        "tử, cấp đổi giấy phép lái xe. 100% các bệnh viện đã triển khai phần mềm quản lý và liên "
        "thông dữ liệu với bảo hiểm xã hội. Hơn 2,6 triệu dữ liệu hộ tịch đã hoàn thành đạt 90%.",
    ),
    (
        "quote",
        {
            "quote": "Mục tiêu trong năm 2024 và 2025, Hải Phòng sẽ tập trung vào triển khai các "
            "giải pháp phân tích giúp tối ưu nguồn lực, hỗ trợ quản trị điều hành.",
            "attribution": "Ông Hoàng Minh Cường, Phó Chủ tịch UBND TP Hải Phòng",
        },
    ),
    *_paragraphs(
        "Thành phố cũng mong muốn hợp tác với các doanh nghiệp đưa ra các giải pháp, mô hình dịch "
        "vụ giá trị gia tăng mới, tạo ra các không gian phát triển kinh tế mới dựa trên dữ liệu.",
    ),
]

KHOA_BODY = _paragraphs(
    "Ông Nguyễn Văn Khoa, Chủ tịch VINASA, cho biết Hải Phòng có vị thế đặc biệt quan trọng "
    "trong vùng kinh tế Bắc bộ. Chuyển đổi số không chỉ tạo ra sự phát triển của Hải Phòng mà "
    "còn là động lực, là sợi dây liên kết kéo theo sự phát triển của cả vùng kinh tế Bắc bộ.",
    "VINASA và các doanh nghiệp hội viên cam kết sẽ luôn sẵn sàng nỗ lực sát cánh cùng Hải Phòng "
    "chung tay xây dựng hạ tầng dữ liệu số tiên tiến, hiệu quả; xây dựng mô hình và hợp tác khai "
    "thác dữ liệu số nhằm đưa ra các mô hình quản trị, tạo ra những dịch vụ mới phục vụ người "
    "dân, doanh nghiệp, tạo ra những giá trị mới cho nền kinh tế - xã hội.",
)

# slug: (title, title_en, start, end, room, kind, abstract, abstract_en, speakers, body)
# speakers: [(key, role)]; body: a StreamField value or None.
MAIN_HALL, ROOM_1, ROOM_2, EXPO = (
    "Hội trường chính",
    "Phòng hội thảo 1",
    "Phòng hội thảo 2",
    "Khu triển lãm",
)
ROOMS_EN = {
    MAIN_HALL: "Main hall",
    ROOM_1: "Conference room 1",
    ROOM_2: "Conference room 2",
    EXPO: "Exhibition area",
}
SESSIONS = {
    "don-tiep-dai-bieu": (
        "Đón tiếp đại biểu, đăng ký và nhận thẻ",
        "Welcome, registration and badges",
        _at(7, 30),
        _at(8, 0),
        "",
        SessionKind.BREAK,
        _p("Đại biểu đăng ký tại quầy lễ tân, nhận thẻ và tài liệu diễn đàn."),
        _p("Delegates register at the front desk and collect their badges and documents."),
        [],
        None,
    ),
    "khai-mac-trien-lam": (
        "Khai mạc triển lãm “Thành tựu và giải pháp công nghệ”",
        "Opening of the exhibition “Achievements and technology solutions”",
        _at(8, 0),
        _at(8, 30),
        EXPO,
        SessionKind.EXHIBITION,
        _p(
            "Triển lãm giới thiệu những thành tựu chuyển đổi số TP Hải Phòng với 20 gian hàng "
            "trưng bày các tiện ích chuyển đổi số của Hải Phòng và các giải pháp chuyển đổi số "
            "từ các doanh nghiệp công nghệ lớn như Viettel, BKAV, FPT, MobiFone."
        ),
        _p(
            "Twenty booths show Hai Phong's digital services and solutions from technology "
            "companies such as Viettel, BKAV, FPT and MobiFone."
        ),
        [("cuong", SpeakerRole.SPEAKER)],
        None,
    ),
    "phat-bieu-khai-mac": (
        "Phát biểu khai mạc diễn đàn",
        "Opening speech",
        _at(8, 30),
        _at(8, 50),
        MAIN_HALL,
        SessionKind.OPENING,
        _p(
            "Năm 2023 là năm thứ 2 Hải Phòng lựa chọn chủ đề chuyển đổi số. Kế hoạch 12/KH-UBND "
            "có 75 nhiệm vụ giao cho 28 đơn vị; 100% dịch vụ công trực tuyến đạt mức 4 và 90,7% "
            "hồ sơ được xử lý trực tuyến."
        ),
        _p(
            "2023 is the second year that Hai Phong puts digital transformation at the top of its "
            "agenda: a plan of 75 tasks for 28 bodies; every public service online at level 4 "
            "and 90.7% of applications handled online."
        ),
        [("cuong", SpeakerRole.SPEAKER)],
        OPENING_BODY,
    ),
    "phat-bieu-vinasa": (
        "Phát biểu của Chủ tịch VINASA: Hải Phòng và vùng kinh tế Bắc bộ",
        "Address by the Chairman of VINASA: Hai Phong and the northern economic region",
        _at(8, 50),
        _at(9, 10),
        MAIN_HALL,
        SessionKind.KEYNOTE,
        _p(
            "Chuyển đổi số của Hải Phòng là động lực, là sợi dây liên kết kéo theo sự phát triển "
            "của cả vùng kinh tế Bắc bộ; VINASA cam kết sát cánh xây dựng hạ tầng dữ liệu số."
        ),
        _p(
            "Hai Phong's digital transformation drives the whole northern economic region; "
            "VINASA commits to help build its digital data infrastructure."
        ),
        [("khoa", SpeakerRole.SPEAKER)],
        KHOA_BODY,
    ),
    "du-lieu-dan-cu-hoa-don-dien-tu": (
        "Từ dữ liệu dân cư đến hóa đơn điện tử: bài học thí điểm",
        "From population data to e-invoices: lessons of the pilots",
        _at(9, 10),
        _at(9, 40),
        MAIN_HALL,
        SessionKind.TALK,
        _p(
            "Hải Phòng đi đầu cả nước trong các thí điểm xây dựng dữ liệu dân cư, hóa đơn điện tử, "
            "cấp đổi giấy phép lái xe: cách làm, khó khăn và kết quả."
        ),
        _p(
            "Hai Phong led the national pilots on population data, e-invoices and driving licence "
            "renewal: how it was done, the hurdles and the results."
        ),
        [("dat", SpeakerRole.SPEAKER)],
        _paragraphs(
            "Phiên tham luận minh họa: trình bày quá trình triển khai các thí điểm, từ làm sạch "
            "dữ liệu hộ tịch (hơn 2,6 triệu bản ghi) đến kết nối với các hệ thống quốc gia."
        ),
    ),
    "giai-lao-tham-quan": (
        "Giải lao, tham quan triển lãm",
        "Coffee break and exhibition visit",
        _at(9, 40),
        _at(10, 0),
        "",
        SessionKind.BREAK,
        "",
        "",
        [],
        None,
    ),
    "toa-dam-kho-du-lieu-dung-chung": (
        "Tọa đàm: Kho dữ liệu dùng chung và cổng dữ liệu mở",
        "Panel: A shared data warehouse and an open data portal",
        _at(10, 0),
        _at(11, 30),
        ROOM_1,
        SessionKind.PANEL,
        _p(
            "Số hóa, phát triển dữ liệu chuyên ngành, tiến tới xây dựng kho dữ liệu dùng chung và "
            "cổng dữ liệu mở của thành phố: chuẩn dữ liệu, chia sẻ và bảo mật."
        ),
        _p(
            "Digitising sector data towards a shared city data warehouse and an open data "
            "portal: standards, sharing and security."
        ),
        [
            ("dat", SpeakerRole.MODERATOR),
            ("nam", SpeakerRole.SPEAKER),
            ("lan_anh", SpeakerRole.SPEAKER),
            ("tuan", SpeakerRole.SPEAKER),
        ],
        _paragraphs(
            "Các diễn giả thảo luận về kiến trúc kho dữ liệu dùng chung, danh mục dữ liệu mở ưu "
            "tiên và các điều kiện để doanh nghiệp khai thác dữ liệu của thành phố."
        ),
    ),
    "toa-dam-cang-bien-logistics": (
        "Tọa đàm: Dữ liệu số cho cảng biển và logistics",
        "Panel: Digital data for the port and logistics",
        _at(10, 0),
        _at(11, 30),
        ROOM_2,
        SessionKind.PANEL,
        _p(
            "Cảng biển, logistics đang thử nghiệm liên thông dữ liệu giữa cảng vụ, hải quan và "
            "các doanh nghiệp: những gì đã làm được và bước tiếp theo."
        ),
        _p(
            "The port is testing data exchange between the maritime administration, customs and "
            "companies: what works and what comes next."
        ),
        [
            ("vinh", SpeakerRole.MODERATOR),
            ("hai", SpeakerRole.SPEAKER),
            ("trang", SpeakerRole.SPEAKER),
        ],
        None,
    ),
    "nghi-trua": (
        "Nghỉ trưa",
        "Lunch break",
        _at(11, 30),
        _at(13, 30),
        "",
        SessionKind.BREAK,
        "",
        "",
        [],
        None,
    ),
    "du-lieu-y-te": (
        "Dữ liệu y tế: liên thông bệnh viện và bảo hiểm xã hội",
        "Health data: linking hospitals and social insurance",
        _at(13, 30),
        _at(14, 15),
        ROOM_1,
        SessionKind.TALK,
        _p(
            "100% các bệnh viện của thành phố đã triển khai phần mềm quản lý và liên thông dữ "
            "liệu với bảo hiểm xã hội: kinh nghiệm từ một bệnh viện tuyến thành phố."
        ),
        _p(
            "Every hospital of the city runs management software linked with social insurance "
            "data: the experience of a city hospital."
        ),
        [("huong", SpeakerRole.SPEAKER)],
        _paragraphs(
            "Tham luận minh họa về liên thông dữ liệu khám chữa bệnh, hồ sơ sức khỏe điện tử và "
            "thanh toán bảo hiểm y tế trực tuyến."
        ),
    ),
    "thuong-mai-dien-tu-ocop": (
        "Thương mại điện tử cho nông sản và sản phẩm OCOP",
        "E-commerce for farm products and OCOP goods",
        _at(13, 30),
        _at(14, 15),
        ROOM_2,
        SessionKind.TALK,
        _p(
            "Thương mại điện tử đã kết nối được 250 mã sản phẩm nông sản và 179 sản phẩm OCOP "
            "của Hải Phòng với người mua trên cả nước."
        ),
        _p(
            "E-commerce has brought 250 farm products and 179 OCOP products of Hai Phong to "
            "buyers across the country."
        ),
        [("trang", SpeakerRole.SPEAKER)],
        None,
    ),
    "toa-dam-kinh-te-so-2030": (
        "Tọa đàm: Kinh tế số dựa trên dữ liệu, chiến lược đến năm 2030",
        "Panel: A data-driven digital economy, strategy to 2030",
        _at(14, 15),
        _at(15, 30),
        MAIN_HALL,
        SessionKind.PANEL,
        _p(
            "Chiến lược chuyển đổi số đến năm 2030, mô hình chuyển đổi số cấp huyện, nền tảng "
            "chính quyền số và đô thị thông minh."
        ),
        _p(
            "A digital transformation strategy to 2030, district-level models, the digital "
            "government platform and the smart city."
        ),
        [
            ("khoa", SpeakerRole.MODERATOR),
            ("cuong", SpeakerRole.SPEAKER),
            ("nam", SpeakerRole.SPEAKER),
            ("lan_anh", SpeakerRole.SPEAKER),
        ],
        None,
    ),
    "tong-ket-be-mac": (
        "Tổng kết và bế mạc diễn đàn",
        "Closing remarks",
        _at(15, 30),
        _at(16, 0),
        MAIN_HALL,
        SessionKind.TALK,
        _p("Tổng kết các ý kiến của diễn đàn và định hướng hợp tác trong năm 2024 – 2025."),
        _p("A summary of the forum and the ways forward for 2024 – 2025."),
        [("cuong", SpeakerRole.SPEAKER)],
        None,
    ),
}


def load_sessions(
    *, agenda: AgendaPage, speakers: dict[str, Speaker], offset: dt.timedelta = dt.timedelta()
) -> list[SessionPage]:
    """The seed's sessions under ``agenda``, moved ``offset`` (whole days) from the seed's day."""
    sessions = []
    for slug, (
        title,
        _en,
        start,
        end,
        room,
        kind,
        abstract,
        _a_en,
        people,
        body,
    ) in SESSIONS.items():
        start, end = start + offset, end + offset
        existing = SessionPage.objects.child_of(agenda).filter(slug=slug).first()
        if existing is not None:
            _redate(existing, starts_at=start, ends_at=end)
            existing.refresh_from_db()
            sessions.append(existing)
            continue
        session = SessionPage(
            title=title,
            slug=slug,
            locale_id=agenda.locale_id,
            starts_at=start,
            ends_at=end,
            room=room,
            room_en=ROOMS_EN.get(room, ""),
            kind=kind,
            abstract=abstract,
            body=_raw(body),
        )
        session.session_speakers = [
            SessionSpeaker(speaker=speakers[key], role=role, sort_order=i)
            for i, (key, role) in enumerate(people)
        ]
        if slug == "phat-bieu-khai-mac":
            slides = _demo_pdf(
                title="Bài trình bày: Chuyển đổi số Hải Phòng 2023",
                heading="Chuyển đổi số TP Hải Phòng năm 2023",
                paragraphs=[
                    "Kế hoạch 12/KH-UBND: 75 nhiệm vụ, 28 đơn vị.",
                    "100% dịch vụ công trực tuyến mức 4; 90,7% hồ sơ trực tuyến.",
                ],
            )
            session.attachments = [SessionAttachment(document=slides, sort_order=0)]
        if slug == "du-lieu-dan-cu-hoa-don-dien-tu":
            session.paper = _demo_pdf(
                title="Tham luận: Từ dữ liệu dân cư đến hóa đơn điện tử",
                heading="Từ dữ liệu dân cư đến hóa đơn điện tử",
                paragraphs=[
                    "Tham luận minh họa của bản demo.",
                    "Hải Phòng đi đầu cả nước thực hiện thí điểm xây dựng dữ liệu dân cư, hóa "
                    "đơn điện tử, cấp đổi giấy phép lái xe.",
                ],
            )
        agenda.add_child(instance=session)
        sessions.append(_publish(session))
    return sessions


# --- The site ---------------------------------------------------------------------------------

AGENDA_INTRO = _p(
    "Chương trình Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023, ngày 27-12-2023 tại Trung tâm "
    "Hội nghị thành phố.",
    "<strong>Lưu ý: chương trình của bản demo mang tính minh họa.</strong> Phát biểu khai mạc của "
    "ông Hoàng Minh Cường, phát biểu của ông Nguyễn Văn Khoa, khai mạc triển lãm và các chủ đề "
    "tọa đàm về dữ liệu số lấy từ bài báo gốc; giờ giấc, phòng, các phiên khác và các diễn giả "
    "khác là giả định.",
)
AGENDA_INTRO_EN = _p(
    "The programme of the Hai Phong Digital Transformation Forum 2023, 27 December 2023 at the "
    "city's Convention Centre.",
    "<strong>Note: the demo's agenda is illustrative.</strong> The opening speech by Mr Hoàng "
    "Minh Cường, the address by Mr Nguyễn Văn Khoa, the opening of the exhibition and the themes "
    "of the data panels come from the source article; times, rooms, the other sessions and "
    "speakers are invented.",
)

FORUM_LEAD = (
    "Sự kiện hưởng ứng Năm dữ liệu số quốc gia: gặp gỡ, trao đổi về nhu cầu, giải pháp và chính "
    "sách thúc đẩy chuyển đổi số; trải nghiệm công nghệ tiên tiến và các ứng dụng phục vụ người "
    "dân, doanh nghiệp."
)
FORUM_LEAD_EN = (
    "Part of the National Year of Digital Data: meet and discuss the needs, solutions and "
    "policies that drive digital transformation; try advanced technology and services for "
    "citizens and businesses."
)
KEY_FIGURES = [
    ("figure", {"value": "100%", "label": "dịch vụ công trực tuyến mức 4 (hơn 1.700 dịch vụ)"}),
    ("figure", {"value": "956.000", "label": "hồ sơ trực tuyến năm 2023 (90,7%)"}),
    ("figure", {"value": "24,5%", "label": "tỉ trọng kinh tế số ICT/GRDP, đứng 4/63"}),
    ("figure", {"value": "75", "label": "nhiệm vụ của Kế hoạch 12/KH-UBND"}),
    ("figure", {"value": "20", "label": "gian hàng triển lãm"}),
]
KEY_FIGURES_EN = [
    ("figure", {"value": "100%", "label": "public services online at level 4 (1,700+)"}),
    ("figure", {"value": "956,000", "label": "applications handled online in 2023 (90.7%)"}),
    ("figure", {"value": "24.5%", "label": "digital economy share of GRDP, 4th of 63"}),
    ("figure", {"value": "75", "label": "tasks in the city's plan 12/KH-UBND"}),
    ("figure", {"value": "20", "label": "exhibition booths"}),
]
FOREWORD = _p(
    "Kỷ yếu này tập hợp các bài phát biểu, tham luận và tọa đàm của Diễn đàn Chuyển đổi số TP "
    "Hải Phòng năm 2023 với chủ đề “Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội”.",
    "Xin trân trọng cảm ơn các đại biểu, diễn giả, doanh nghiệp trưng bày và các đơn vị đã đồng "
    "hành cùng diễn đàn.",
)
VENUE_DETAILS = _p(
    "Trung tâm Hội nghị thành phố, số 18 Hoàng Diệu, Hồng Bàng. Đại biểu vào cổng chính; bãi đỗ xe "
    "ô tô và xe máy trong khuôn viên. Khu triển lãm ở sảnh tầng 1."
)
ORGANIZERS = [
    (OrganizerRole.ORGANIZER, "UBND TP Hải Phòng", "HP", "#b91c1c", "https://haiphong.gov.vn/"),
    (OrganizerRole.ORGANIZER, "VINASA", "VINASA", "#1d4ed8", "https://www.vinasa.org.vn/"),
    (
        OrganizerRole.CO_ORGANIZER,
        "Sở Thông tin và Truyền thông TP Hải Phòng",
        "TT&TT",
        "#0f766e",
        "https://stttt.haiphong.gov.vn/",
    ),
    (OrganizerRole.PARTNER, "Viettel", "Viettel", "#dc2626", "https://viettel.com.vn/"),
    (OrganizerRole.PARTNER, "BKAV", "BKAV", "#15803d", "https://www.bkav.com.vn/"),
    (OrganizerRole.PARTNER, "FPT", "FPT", "#ea580c", "https://fpt.com/"),
    (OrganizerRole.PARTNER, "MobiFone", "MobiFone", "#1e40af", "https://www.mobifone.vn/"),
]

SEED_NEWS_TITLE = "Hải Phòng: Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội"
SEED_NEWS_LEAD = SEED_LEAD
SEED_NEWS_BODY = [
    *_paragraphs(
        "Ngày 27-12, UBND TP Hải Phòng phối hợp với Hiệp hội Phần mềm và Dịch vụ Công nghệ Thông "
        "tin Việt Nam (VINASA) tổ chức Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023 với chủ đề "
        "“Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội”.",
        "Đây là sự kiện nằm trong chuỗi hoạt động hưởng ứng Năm dữ liệu số quốc gia theo chỉ đạo "
        "của Thủ tướng Chính phủ. Diễn đàn nhằm mang đến cơ hội gặp gỡ, trao đổi về khả năng, "
        "nhu cầu, giải pháp và các chính sách để thúc đẩy chuyển đổi số trên các lĩnh vực, giới "
        "thiệu và trải nghiệm công nghệ tiên tiến; trải nghiệm các ứng dụng, sản phẩm phục vụ "
        "người dân và doanh nghiệp; thúc đẩy ứng dụng công nghệ thông tin, kết nối cung cầu; thu "
        "hút đầu tư công nghệ số trên địa bàn TP Hải Phòng… Nâng cao nhận thức về chuyển đổi số "
        "trong các cấp, ngành, địa phương, những giá trị to lớn, thiết thực mà dữ liệu số mang "
        "lại cho công tác quản lý, điều hành, phát triển kinh tế - xã hội.",
    ),
    *OPENING_BODY[1:3],
    *_paragraphs(
        "Theo ông Hoàng Minh Cường, với những cố gắng đó Hải Phòng đã đạt được nhiều kết quả quan "
        "trọng trong chuyển đổi số, đến nay 100% dịch vụ công trực tuyến đạt mức 4 (hơn 1.700 "
        "dịch vụ). Trong năm 2023 xử lý hơn 956.000 hồ sơ trực tuyến, chiếm 90,7% tổng số hồ sơ, "
        "tăng rất nhanh chóng từ 20% năm 2021, 60,2% năm 2022; tỉ lệ thanh toán trực tuyến chiếm "
        "đến 50%; tỉ trọng gia tăng kinh tế số ICT/GRDP ước đạt 24,5%, đứng 4/63 tỉnh.",
        "Hải Phòng cũng là địa phương đi đầu cả nước thực hiện thành công một số lĩnh vực Chính "
        "phủ lựa chọn thành phố triển khai thí điểm như xây dựng dữ liệu dân cư, hóa đơn điện tử, "
        "cấp đổi giấy phép lái xe. 100% các Bệnh viện đã triển khai phần mềm quản lý và liên "
        "thông dữ liệu với bảo hiểm xã hội. Hơn 2,6 triệu dữ liệu hộ tịch đã hoàn thành đạt 90%. "
        "Thương mại điện tử đã kết nối được 250 mã sản phẩm nông sản, 179 sản phẩm OCOP. Cảng "
        "biển, logistic đang trong quá trình thử nghiệm liên thông dữ liệu giữa cảng vụ, hải "
        "quan và các doanh nghiệp…",
        "Mục tiêu trong năm 2024 và 2025, Hải Phòng sẽ tập trung vào triển khai các giải pháp phân "
        "tích giúp tối ưu nguồn lực, hỗ trợ quản trị điều hành. Thành phố cũng mong muốn hợp tác "
        "với các doanh nghiệp đưa ra các giải pháp, mô hình dịch vụ giá trị gia tăng mới, tạo ra "
        "các không gian phát triển kinh tế mới dựa trên dữ liệu. Thành phố có thể xây dựng chiến "
        "lược chuyển đổi số đến năm 2030, hình thành mô hình chuyển đổi số cấp huyện, phát triển "
        "nền tảng chính quyền số, đô thị thông minh.",
    ),
    *KHOA_BODY,
    *_paragraphs(
        "Trong khuôn khổ sự kiện này, trong sáng 27-12, triển lãm “Thành tựu và giải pháp công "
        "nghệ” đã khai mạc, giới thiệu về những thành tựu chuyển đổi số TP Hải Phòng với 20 gian "
        "hàng trưng bày các tiện ích chuyển đổi số của Hải Phòng và các giải pháp chuyển đổi số "
        "từ các doanh nghiệp công nghệ lớn như Viettel, BKAV, FPT, MobiFone...",
        "Nguồn: Báo Người Lao Động điện tử (NLĐO).",
    ),
]
SEED_NEWS_TITLE_EN = "Hai Phong: building digital data, the foundation of development"
SEED_NEWS_BODY_EN = _paragraphs(
    "On 27 December the Hai Phong People's Committee and VINASA held the Hai Phong Digital "
    "Transformation Forum 2023. Vice Chairman Hoàng Minh Cường reported that every public "
    "service is online at level 4, that 90.7% of 2023's applications were handled online and "
    "that the digital economy reaches an estimated 24.5% of GRDP, 4th of 63 provinces.",
    "VINASA's Chairman Nguyễn Văn Khoa said that Hai Phong's digital transformation drives the "
    "whole northern economic region. The exhibition “Achievements and technology solutions” "
    "opened the same morning with 20 booths, including Viettel, BKAV, FPT and MobiFone.",
    "Source: Người Lao Động online (NLĐO), translated summary.",
)

FAQ_BODY = [
    (
        "faq",
        {
            "title": "Câu hỏi thường gặp",
            "items": [
                {
                    "question": "Đăng ký tham dự như thế nào?",
                    "answer": _p(
                        "Đăng ký trực tuyến trên trang của diễn đàn, xác nhận email và nhận thẻ "
                        "đại biểu có mã QR. Xuất trình mã QR tại cửa để vào hội trường."
                    ),
                },
                {
                    "question": "Tham dự có mất phí không?",
                    "answer": _p("Không. Diễn đàn và triển lãm miễn phí cho đại biểu đã đăng ký."),
                },
                {
                    "question": "Doanh nghiệp đăng ký gian hàng triển lãm ở đâu?",
                    "answer": _p("Trên trang Triển lãm: chọn gian hàng trên sơ đồ và gửi yêu cầu."),
                },
            ],
        },
    )
]
FAQ_BODY_EN = [
    (
        "faq",
        {
            "title": "Frequently asked questions",
            "items": [
                {
                    "question": "How do I register?",
                    "answer": _p(
                        "Register online on the forum's site, confirm your email and get a badge "
                        "with a QR code. Show it at the door."
                    ),
                },
                {
                    "question": "Is there a fee?",
                    "answer": _p(
                        "No. The forum and the exhibition are free for registered guests."
                    ),
                },
            ],
        },
    )
]


def about_body(agenda: AgendaPage) -> list:
    return [
        *_paragraphs(
            "Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023 do UBND TP Hải Phòng phối hợp với "
            "VINASA tổ chức, nằm trong chuỗi hoạt động hưởng ứng Năm dữ liệu số quốc gia.",
        ),
        (
            "call_to_action",
            {
                "title": "Xem chương trình diễn đàn",
                "text": "Các phiên khai mạc, tham luận và tọa đàm trong ngày 27-12-2023.",
                "link": {"label": "Chương trình", "page": agenda.pk, "url": ""},
            },
        ),
    ]


VENUE_BODY = [
    ("heading", {"text": "Trung tâm Hội nghị thành phố Hải Phòng", "level": "h2"}),
    *_paragraphs(
        "Số 18 Hoàng Diệu, Hồng Bàng, Hải Phòng. Từ ga Hải Phòng khoảng 2 km; từ sân bay Cát Bi "
        "khoảng 8 km.",
    ),
    (
        "table",
        {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "",
            "data": [
                ["Phương tiện", "Gợi ý"],
                ["Ô tô", "Bãi đỗ trong khuôn viên, vào từ cổng Hoàng Diệu"],
                ["Xe buýt", "Tuyến dừng tại Nhà hát lớn, đi bộ 5 phút"],
            ],
        },
    ),
]


def _policy(sections: list[tuple[str, str]]) -> list:
    """A policy's body: a level-2 heading and its rich text per section."""
    blocks = []
    for heading, text in sections:
        blocks += [("heading", {"text": heading, "level": "h2"}), ("paragraph", text)]
    return blocks


#: The privacy policy (Decree 13/2023/NĐ-CP), in both languages: what is collected, why, how
#: long it is kept, the guest's rights and whom to ask. The registration form's consent box and
#: the manage page link to it through /privacy/ (cms.views.privacy_policy).
PRIVACY_BODY = _policy(
    [
        (
            "Chúng tôi thu thập những gì",
            _p(
                "Khi bạn đăng ký tham dự: họ tên, email, số điện thoại, đơn vị, chức vụ, nhu cầu "
                "hỗ trợ (tiếp cận, ăn uống) nếu bạn ghi, loại đại biểu và ngôn ngữ nhận email. "
                "Tại cửa: thời điểm bạn vào, ra và cổng đã qua. Chúng tôi cũng lưu các email đã "
                "gửi cho bạn và thời điểm bạn đồng ý."
            ),
        ),
        (
            "Vì sao",
            _p(
                "Để xác nhận đăng ký, gửi thẻ đại biểu có mã QR, đón tiếp bạn tại cửa, sắp xếp "
                "chỗ ngồi và hỗ trợ, và thống kê số người tham dự. Tên, đơn vị và email chỉ "
                "được chia sẻ với đơn vị trưng bày khi bạn chọn như vậy. Chúng tôi không bán "
                "và không dùng dữ liệu của bạn cho mục đích khác."
            ),
        ),
        (
            "Căn cứ xử lý",
            _p(
                "Sự đồng ý của bạn theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, ghi "
                "lại cùng phiên bản văn bản bạn đã đồng ý. Nếu ban tổ chức mời bạn, nhân viên "
                "đăng ký cho bạn tại cửa hoặc đơn vị trưng bày cấp thẻ nhân viên cho bạn, trang "
                "quản lý đăng ký của bạn sẽ hỏi ý kiến đồng ý của bạn."
            ),
        ),
        (
            "Lưu trữ bao lâu",
            _p(
                "Đến 180 ngày sau khi sự kiện kết thúc (ban tổ chức có thể đặt thời hạn khác cho "
                "từng sự kiện; trang quản lý đăng ký ghi ngày cụ thể). Sau đó họ tên, email, số "
                "điện thoại, đơn vị, chức vụ, câu trả lời và nhật ký quét thẻ được xóa; chỉ còn "
                "các số liệu thống kê không gắn với ai."
            ),
        ),
        (
            "Quyền của bạn",
            _p(
                "Trên trang quản lý đăng ký (đường dẫn trong email xác nhận), bạn có thể xem và "
                "sửa thông tin, tải về toàn bộ dữ liệu của mình (JSON), rút lại đăng ký hoặc "
                "xóa đăng ký cùng dữ liệu ngay lập tức. Bạn cũng có quyền phản đối, hạn chế xử "
                "lý và khiếu nại theo Nghị định 13/2023/NĐ-CP."
            ),
        ),
        (
            "Liên hệ",
            _p(
                "Ban tổ chức diễn đàn (UBND TP Hải Phòng và VINASA): "
                '<a href="mailto:chuyendoiso@haiphong.example">chuyendoiso@haiphong.example</a>.'
                " Chúng tôi trả lời trong vòng 72 giờ."
            ),
        ),
    ]
)
PRIVACY_BODY_EN = _policy(
    [
        (
            "What we collect",
            _p(
                "When you register: your name, email, phone, organization, position, any "
                "accessibility or dietary needs you tell us, your attendee category and the "
                "language of your emails. At the door: when you came in or left, and through "
                "which gate. We also keep the emails we sent you and when you gave consent."
            ),
        ),
        (
            "Why",
            _p(
                "To confirm your registration, send you a badge with a QR code, welcome you at "
                "the door, arrange seats and support, and count attendance. Your name, "
                "organization and email go to exhibitors only if you choose so. We neither sell "
                "your data nor use it for anything else."
            ),
        ),
        (
            "Legal basis",
            _p(
                "Your consent under Decree 13/2023/NĐ-CP on personal data protection, recorded "
                "with the version of the text you agreed to. If the organizer invited you, staff "
                "registered you at the door or an exhibitor gave you a staff pass, your "
                "registration's page asks for your consent."
            ),
        ),
        (
            "How long we keep it",
            _p(
                "Until 180 days after the event ends (the organizer may set another period per "
                "event; your registration's page gives the date). Then names, emails, phones, "
                "organizations, positions, answers and scan logs are deleted; only statistics "
                "that name nobody remain."
            ),
        ),
        (
            "Your rights",
            _p(
                "On your registration's page (the link in your confirmation email) you can see "
                "and correct your details, download all your data (JSON), cancel, or delete "
                "your registration and its data at once. You may also object, restrict the "
                "processing and complain under Decree 13/2023/NĐ-CP."
            ),
        ),
        (
            "Contact",
            _p(
                "The forum's organizers (Hai Phong People's Committee and VINASA): "
                '<a href="mailto:chuyendoiso@haiphong.example">chuyendoiso@haiphong.example</a>.'
                " We answer within 72 hours."
            ),
        ),
    ]
)


@transaction.atomic
def load_site(event: Event) -> ForumPage:
    """Every page type of the demo, in Vietnamese and English. Idempotent."""
    home = load_home(event)
    vi = home.locale
    en = Locale.objects.get_or_create(language_code="en")[0]
    speakers = load_speakers()

    hero = _placeholder_image(
        title="Ảnh nền diễn đàn",
        label="",
        size=(1600, 640),
        colour="#083b67",
        description="Ảnh nền trang trí của Diễn đàn Chuyển đổi số Hải Phòng 2023",
    )
    forum = ForumPage.objects.filter(event=event, locale=vi).first()
    if forum is None:
        forum = ForumPage(
            title=event.name,
            slug="dien-dan-2023",
            locale=vi,
            event=event,
            lead=FORUM_LEAD,
            hero_image=hero,
            venue_details=VENUE_DETAILS,
            key_figures=_raw(KEY_FIGURES),
            foreword=FOREWORD,
            search_description=FORUM_LEAD,
        )
        forum.organizers = [
            ForumOrganizer(
                role=role,
                name=name,
                url=url,
                sort_order=i,
                logo=_placeholder_image(
                    title=f"Logo {name}",
                    label=label,
                    size=(480, 192),
                    colour=colour,
                    description=f"Logo {name}",
                ),
            )
            for i, (role, name, label, colour, url) in enumerate(ORGANIZERS)
        ]
        home.add_child(instance=forum)
        forum = _publish(forum)

    agenda = _child(
        forum,
        AgendaPage,
        "chuong-trinh",
        title="Chương trình",
        intro=AGENDA_INTRO,
        rooms="\n".join([MAIN_HALL, ROOM_1, ROOM_2]),
    )
    offset = demo_offset(event)
    sessions = load_sessions(agenda=agenda, speakers=speakers, offset=offset)
    speaker_index = _child(
        forum,
        SpeakerIndexPage,
        "dien-gia",
        title="Diễn giả",
        intro=_p("Lãnh đạo thành phố, hiệp hội và doanh nghiệp công nghệ phát biểu tại diễn đàn."),
    )
    exhibition = _child(
        forum,
        ExhibitionPage,
        "trien-lam",
        title="Triển lãm",
        intro=_p(
            "Triển lãm “Thành tựu và giải pháp công nghệ”: 20 gian hàng trưng bày các tiện ích "
            "chuyển đổi số của Hải Phòng và các giải pháp "
            "chuyển đổi số từ các doanh nghiệp công nghệ lớn như Viettel, BKAV, FPT, MobiFone."
        ),
    )
    about = _child(
        forum,
        StandardPage,
        "gioi-thieu",
        title="Giới thiệu",
        lead=FORUM_LEAD,
        body=_raw(about_body(agenda)),
    )
    venue = _child(
        forum,
        StandardPage,
        "dia-diem",
        title="Địa điểm và đi lại",
        lead="Trung tâm Hội nghị thành phố Hải Phòng.",
        body=_raw(VENUE_BODY),
    )
    faq = _child(forum, StandardPage, "hoi-dap", title="Hỏi đáp", body=_raw(FAQ_BODY))
    privacy = _child(
        home,
        StandardPage,
        "chinh-sach-bao-mat",
        title="Chính sách bảo mật",
        body=_raw(PRIVACY_BODY),
    )
    news_index = _child(home, NewsIndexPage, "tin-tuc", title="Tin tức")
    news = _child(
        news_index,
        NewsPage,
        "dien-dan-chuyen-doi-so-hai-phong-2023",
        title=SEED_NEWS_TITLE,
        date=SEED_DAY + offset,
        lead=SEED_NEWS_LEAD,
        image=hero,
        image_alt="Ảnh nền trang trí của diễn đàn",
        body=_raw(SEED_NEWS_BODY),
    )

    _redate(news, date=SEED_DAY + offset)

    # English translations of the main pages.
    forum_en = _translate(
        forum,
        en,
        title="Hai Phong Digital Transformation Forum 2023",
        slug="forum-2023",
        lead=FORUM_LEAD_EN,
        key_figures=_raw(KEY_FIGURES_EN),
        search_description=FORUM_LEAD_EN,
        venue_details=_p(
            "City Convention Centre, 18 Hoàng Diệu, Hồng Bàng. Main gate; car and motorbike "
            "parking on site. The exhibition is in the ground-floor lobby."
        ),
    )
    agenda_en = _translate(
        agenda,
        en,
        title="Agenda",
        slug="agenda",
        intro=AGENDA_INTRO_EN,
    )
    for session in sessions:
        spec = SESSIONS.get(session.slug)
        if spec is None:
            continue
        _translate(session, en, title=spec[1], abstract=spec[7])
    _translate(
        speaker_index,
        en,
        title="Speakers",
        slug="speakers",
        intro=_p("City leaders, associations and technology companies speak at the forum."),
    )
    _translate(
        exhibition,
        en,
        title="Exhibition",
        slug="exhibition",
        intro=_p(
            "The exhibition “Achievements and technology solutions”: 20 booths show Hai "
            "Phong's digital services and solutions from technology "
            "companies such as Viettel, BKAV, FPT and MobiFone."
        ),
    )
    _translate(about, en, title="About", slug="about", lead=FORUM_LEAD_EN)
    _translate(
        venue, en, title="Venue and travel", slug="venue", lead="Hai Phong City Convention Centre."
    )
    _translate(faq, en, title="FAQ", slug="faq", body=_raw(FAQ_BODY_EN))
    _translate(
        privacy,
        en,
        title="Privacy policy",
        slug="privacy",
        body=_raw(PRIVACY_BODY_EN),
    )
    news_index_en = _translate(news_index, en, title="News", slug="news")
    _translate(
        news,
        en,
        title=SEED_NEWS_TITLE_EN,
        slug="hai-phong-digital-forum-2023",
        lead=EN_LEAD,
        image_alt="Decorative background of the forum",
        body=_raw(SEED_NEWS_BODY_EN),
    )
    del forum_en, agenda_en, news_index_en
    return forum
