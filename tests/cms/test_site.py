"""The demo site, page by page: content from the seed article, both languages, calendars,
JSON-LD and social tags, search that ignores accents, 404s, previews and the admin."""

import datetime as dt
import json
import re
import unicodedata

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.demo import load_site
from cms.models import (
    AgendaPage,
    ExhibitionPage,
    ForumPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SessionPage,
    Speaker,
    SpeakerIndexPage,
    StandardPage,
)
from cms.selectors import agenda_context
from core.time import HCM


def _vi(model, **filters):
    return model.objects.get(locale__language_code="vi", **filters)


def _en(model, **filters):
    return model.objects.get(locale__language_code="en", **filters)


def _html(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# --- The demo ---------------------------------------------------------------------------------


def test_demo_fills_every_page_type_in_vietnamese_and_english(demo_site):
    for model in (ForumPage, AgendaPage, SpeakerIndexPage, ExhibitionPage, NewsIndexPage):
        assert model.objects.filter(locale__language_code="vi").count() == 1, model
        assert model.objects.filter(locale__language_code="en").count() == 1, model
    assert SessionPage.objects.filter(locale__language_code="vi").count() == 13
    assert SessionPage.objects.filter(locale__language_code="en").count() == 13
    assert StandardPage.objects.filter(locale__language_code="vi").count() == 4
    assert Speaker.objects.count() == 10
    opening = _vi(SessionPage, slug="phat-bieu-khai-mac")
    assert opening.kind == "opening"
    assert [link.speaker.name for link in opening.session_speakers.all()] == ["Hoàng Minh Cường"]
    vinasa = _vi(SessionPage, slug="phat-bieu-vinasa")
    assert [link.speaker.name for link in vinasa.session_speakers.all()] == ["Nguyễn Văn Khoa"]
    expo = _vi(SessionPage, slug="khai-mac-trien-lam")
    assert expo.kind == "exhibition"
    assert "Thành tựu và giải pháp công nghệ" in expo.title
    assert SessionPage.objects.filter(locale__language_code="vi", kind="panel").count() == 3
    news = NewsPage.objects.filter(locale__language_code="vi").get()
    assert news.date == dt.date(2023, 12, 27)
    assert "20 gian hàng" in str(news.body)
    assert "Nguồn: Báo Người Lao Động" in str(news.body)
    assert opening.attachments.count() == 1
    assert _vi(SessionPage, slug="du-lieu-dan-cu-hoa-don-dien-tu").paper is not None


def test_load_site_again_changes_nothing(demo_site):
    counts = (
        Page.objects.count(),
        Speaker.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
    )
    load_site(demo_site.event)
    assert (
        Page.objects.count(),
        Speaker.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
    ) == counts


# --- Forum and home ---------------------------------------------------------------------------


def test_forum_page_shows_hero_venue_organizers_figures_and_links(client, demo_site):
    event = demo_site.event
    event.registration_opens_at = event.registration_closes_at = None
    event.save()
    html = _html(client, demo_site.url)
    assert "<h1>Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023</h1>" in html
    assert "“Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội”" in html
    assert "Ngày 27 tháng 12 năm 2023, 08:00–17:00" in html
    assert "Trung tâm Hội nghị thành phố Hải Phòng" in html
    assert 'href="https://www.openstreetmap.org/search?query=' in html
    assert 'alt="UBND TP Hải Phòng"' in html and 'alt="VINASA"' in html
    assert "<h2>Đơn vị tổ chức</h2>" in html and "<h2>Đơn vị đồng tổ chức</h2>" in html
    assert "<strong>956.000</strong>" in html
    assert 'href="/dien-dan-2023/chuong-trinh/"' in html
    assert 'href="/dien-dan-2023/dien-gia/"' in html
    assert 'href="/dien-dan-2023/trien-lam/"' in html
    # The demo forum is over: a clear notice instead of the call to register.
    assert "Diễn đàn đã diễn ra." in html
    assert "Đăng ký tham dự" not in html


def test_call_to_register_until_registration_closes(client, demo_site):
    event = demo_site.event
    now = timezone.now()
    event.starts_at = now + dt.timedelta(days=30)
    event.ends_at = event.starts_at + dt.timedelta(hours=9)
    event.registration_opens_at = now - dt.timedelta(days=1)
    event.registration_closes_at = now + dt.timedelta(days=20)
    event.save()
    demo_site.registration_url = ""  # the default: the forum's own registration form
    demo_site.save_revision().publish()
    form = f"/register/{event.slug}/"
    assert f'<a class="button" href="{form}">Đăng ký tham dự</a>' in _html(client, demo_site.url)
    assert client.get(form).status_code == 200
    demo_site.registration_url = "/dang-ky/"  # an editor's own link wins
    demo_site.save_revision().publish()
    html = _html(client, demo_site.url)
    assert '<a class="button" href="/dang-ky/">Đăng ký tham dự</a>' in html
    assert "Hạn đăng ký:" in html
    home_html = _html(client, "/")
    assert '<a class="button" href="/dang-ky/">Đăng ký tham dự</a>' in home_html

    event.registration_closes_at = now - dt.timedelta(minutes=1)
    event.save()
    html = _html(client, demo_site.url)
    assert "Đã hết hạn đăng ký." in html
    assert 'href="/dang-ky/"' not in html


def test_forum_json_ld_describes_the_event(client, demo_site, public_url, settings):
    event = demo_site.event
    event.registration_opens_at = event.registration_closes_at = None
    event.save()
    html = _html(client, demo_site.url)
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023"
    assert data["startDate"] == "2023-12-27T08:00:00+07:00"
    assert data["endDate"] == "2023-12-27T17:00:00+07:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["name"] == "Trung tâm Hội nghị thành phố Hải Phòng"
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Số 18 Hoàng Diệu, Hồng Bàng",
        "addressLocality": "Hải Phòng",
        "addressRegion": "Thành phố Hải Phòng",
        "postalCode": "04000",
        "addressCountry": "VN",
    }
    assert [(o["name"], o["url"]) for o in data["organizer"]] == [
        ("UBND TP Hải Phòng", "https://haiphong.gov.vn/"),
        ("VINASA", "https://www.vinasa.org.vn/"),
        ("Sở Thông tin và Truyền thông TP Hải Phòng", "https://stttt.haiphong.gov.vn/"),
    ]
    # The hero's 1200 × 630 share rendition, on the public address.
    [image] = data["image"]
    assert re.fullmatch(rf"{public_url}/media/images/.+\.fill-1200x630-c50\.\w+", image)
    assert (settings.MEDIA_ROOT / image.removeprefix(f"{public_url}/media/")).is_file()
    performers = [p["name"] for p in data["performer"]]
    assert performers[:2] == ["Hoàng Minh Cường", "Nguyễn Văn Khoa"]
    assert len(performers) == 10
    assert data["offers"]["priceCurrency"] == "VND"
    assert data["offers"]["availability"] == "https://schema.org/SoldOut"
    # The home page presents the same forum with the same data.
    home = _html(client, "/")
    assert (
        json.loads(
            re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S).group(1)
        )["name"]
        == data["name"]
    )


def test_every_page_has_open_graph_and_twitter_tags(client, demo_site, public_url):
    urls = [
        "/",
        "/dien-dan-2023/",
        "/dien-dan-2023/chuong-trinh/",
        "/dien-dan-2023/chuong-trinh/phat-bieu-khai-mac/",
        "/dien-dan-2023/dien-gia/",
        "/dien-dan-2023/dien-gia/hoang-minh-cuong/",
        "/dien-dan-2023/trien-lam/",
        "/dien-dan-2023/hoi-dap/",
        "/tin-tuc/",
        "/tin-tuc/dien-dan-chuyen-doi-so-hai-phong-2023/",
        "/tim-kiem/?q=hai+phong",
        "/en/forum-2023/agenda/",
    ]
    for url in urls:
        html = _html(client, url)
        assert '<meta property="og:title" content="' in html, url
        # The canonical address, on the public host whatever the request's (no query string).
        assert f'<meta property="og:url" content="{public_url}{url.split("?")[0]}"' in html
        assert '<meta name="twitter:card" content="summary' in html, url
    forum = _html(client, "/dien-dan-2023/")
    assert f'<meta property="og:image" content="{public_url}/media/' in forum
    assert '<meta property="og:image:width" content="1200">' in forum
    assert '<meta name="twitter:card" content="summary_large_image">' in forum
    assert '<meta property="og:locale" content="vi_VN">' in forum
    news = _html(client, "/tin-tuc/dien-dan-chuyen-doi-so-hai-phong-2023/")
    assert '<meta property="og:type" content="article">' in news
    assert '<meta property="og:locale" content="en_US">' in _html(client, "/en/forum-2023/")


# --- Agenda, sessions, calendars --------------------------------------------------------------


def test_agenda_groups_sessions_by_time_with_parallel_rooms_as_columns(client, demo_site):
    html = _html(client, "/dien-dan-2023/chuong-trinh/")
    assert "Lưu ý: chương trình của bản demo mang tính minh họa." in html
    header = re.search(r'<div class="agenda-rooms"[^>]*>(.*?)</div>', html).group(1)
    assert header == "<span>Phòng hội thảo 1</span><span>Phòng hội thảo 2</span>"
    slots = re.findall(r'<li class="slot[^"]*">', html)
    assert len(slots) == 11  # 13 sessions, two pairs in parallel
    panel_1 = html.index("Tọa đàm: Kho dữ liệu dùng chung và cổng dữ liệu mở")
    panel_2 = html.index("Tọa đàm: Dữ liệu số cho cảng biển và logistics")
    assert 'style="grid-column: 1"' in html[:panel_1][-700:]
    assert 'style="grid-column: 2"' in html[:panel_2][-700:]
    opening = html.index("Phát biểu khai mạc diễn đàn")
    assert 'style="grid-column: 1 / -1"' in html[:opening][-700:]
    assert 'Đỗ Đức Đạt</a> <span class="role">(điều phối)</span>' in html
    assert 'href="/dien-dan-2023/dien-gia/do-duc-dat/"' in html
    assert 'href="/lich/chuong-trinh-' in html


def test_the_running_session_is_highlighted(client, demo_site):
    agenda = _vi(AgendaPage)
    during_panels = dt.datetime(2023, 12, 27, 10, 15, tzinfo=HCM)
    context = agenda_context(agenda=agenda, now=during_panels)
    running = [s.slug for s in context["sessions"] if s.is_now]
    assert running == ["toa-dam-kho-du-lieu-dung-chung", "toa-dam-cang-bien-logistics"]
    assert [slot.is_now for day in context["days"] for slot in day.slots].count(True) == 1

    html = _html(client, agenda.url)
    assert 'class="session kind-panel is-now"' not in html  # 2023 is over
    session = _vi(SessionPage, slug="du-lieu-y-te")
    now = timezone.now()
    session.starts_at, session.ends_at = now - dt.timedelta(minutes=5), now + dt.timedelta(hours=1)
    session.save_revision().publish()
    html = _html(client, agenda.url)
    assert html.count(" is-now") == 2  # the session and its time slot
    assert 'class="session kind-talk is-now"' in html
    assert '<span class="now-label">Đang diễn ra</span>' in html


def test_session_page_shows_speakers_moderator_first_and_documents(client, demo_site):
    html = _html(client, "/dien-dan-2023/chuong-trinh/toa-dam-kho-du-lieu-dung-chung/")
    names = re.findall(r'<a href="/dien-dan-2023/dien-gia/[^"]+/">([^<]+)</a>', html)
    assert names == ["Đỗ Đức Đạt", "Vũ Hoàng Nam", "Nguyễn Thị Lan Anh", "Bùi Minh Tuấn"]
    assert "(điều phối)" in html
    html = _html(client, "/dien-dan-2023/chuong-trinh/phat-bieu-khai-mac/")
    assert "<h2>Tóm tắt</h2>" in html and "<h2>Toàn văn</h2>" in html
    assert "<caption>Kết quả chuyển đổi số của Hải Phòng năm 2023</caption>" in html
    assert "Mục tiêu trong năm 2024 và 2025" in html
    assert "Bài trình bày: Chuyển đổi số Hải Phòng 2023</a>" in html
    assert "Thêm vào lịch (.ics)" in html
    paper = _html(client, "/dien-dan-2023/chuong-trinh/du-lieu-dan-cu-hoa-don-dien-tu/")
    assert "Bài tham luận: Tham luận: Từ dữ liệu dân cư đến hóa đơn điện tử</a>" in paper


def test_session_ics_carries_the_event_time_zone(client, demo_site):
    session = _vi(SessionPage, slug="phat-bieu-khai-mac")
    response = client.get(session.ics_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="phat-bieu-khai-mac.ics"' in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    [timezone_component] = calendar.walk("VTIMEZONE")
    assert str(timezone_component["TZID"]) == "Asia/Ho_Chi_Minh"
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Phát biểu khai mạc diễn đàn"
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert event.decoded("DTSTART") == dt.datetime(2023, 12, 27, 8, 30, tzinfo=HCM)
    assert event.decoded("DTEND") == dt.datetime(2023, 12, 27, 8, 50, tzinfo=HCM)
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=7)
    assert str(event["LOCATION"]).startswith("Hội trường chính, Trung tâm Hội nghị")
    assert "Hoàng Minh Cường" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == "http://testserver/dien-dan-2023/chuong-trinh/phat-bieu-khai-mac/"
    assert b"DTSTART;TZID=Asia/Ho_Chi_Minh:20231227T083000" in response.content


def test_agenda_ics_feed_has_every_session_in_the_language(client, demo_site):
    agenda = _vi(AgendaPage)
    calendar = icalendar.Calendar.from_ical(client.get(agenda.ics_url).content)
    events = calendar.walk("VEVENT")
    assert len(events) == 13
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert all(e["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh" for e in events)
    assert len({str(e["UID"]) for e in events}) == 13
    english = _en(AgendaPage)
    calendar = icalendar.Calendar.from_ical(client.get("/en" + english.ics_url).content)
    assert "Opening speech" in [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


def test_calendar_of_an_unknown_or_unpublished_session_is_404(client, demo_site):
    assert client.get("/lich/phien-999999.ics").status_code == 404
    assert client.get(f"/lich/phien-{demo_site.pk}.ics").status_code == 404  # not a session
    session = _vi(SessionPage, slug="nghi-trua")
    session.unpublish()
    assert client.get(session.ics_url).status_code == 404


# --- Speakers, exhibition, news, standard pages ----------------------------------------------


def test_speaker_index_and_speaker_page_list_their_sessions(client, demo_site):
    html = _html(client, "/dien-dan-2023/dien-gia/")
    assert html.count('class="speaker-card"') == 10
    assert html.index("Hoàng Minh Cường") < html.index("Nguyễn Văn Khoa")
    assert 'alt="Ảnh minh họa: chữ viết tắt tên Hoàng Minh Cường"' in html
    html = _html(client, "/dien-dan-2023/dien-gia/hoang-minh-cuong/")
    assert "<h1>Hoàng Minh Cường</h1>" in html
    assert "Phó Chủ tịch" in html
    for title in ("Phát biểu khai mạc diễn đàn", "Tổng kết và bế mạc diễn đàn"):
        assert title in html
    english = _html(client, "/en/forum-2023/speakers/hoang-minh-cuong/")
    assert "Vice Chairman" in english and "Opening speech" in english
    # The language switcher keeps the speaker.
    assert 'href="/dien-dan-2023/dien-gia/hoang-minh-cuong/" hreflang="vi"' in english


def test_exhibition_page_is_a_hook_for_the_exhibition_app(client, demo_site):
    html = _html(client, "/dien-dan-2023/trien-lam/")
    # the exhibitors app fills the hook with its floor plan and directory
    assert '<h2 id="fp-title">Sơ đồ gian hàng</h2>' in html
    # a company that wants to exhibit finds the way in from the page
    assert '<a href="/exhibitor/signup/">Đăng ký đơn vị trưng bày</a>' in html
    assert '<a href="/exhibitor/login/">' in html
    assert "Danh sách đơn vị trưng bày và sơ đồ gian hàng sẽ hiển thị tại đây." not in html

    def exhibition_context(*, page, request):
        assert page.event == demo_site.event
        return {
            "exhibition": {"booths": 20},
            "exhibition_template": "blocks/heading.html",
            "value": {"text": "Sơ đồ 20 gian hàng", "level": "h2"},
        }

    with hooks.register_temporarily(ExhibitionPage.CONTEXT_HOOK, exhibition_context):
        html = _html(client, "/dien-dan-2023/trien-lam/")
    assert '<h2 class="block-heading">Sơ đồ 20 gian hàng</h2>' in html


def test_news_and_standard_pages_render_the_shared_blocks(client, demo_site):
    html = _html(client, "/tin-tuc/")
    assert "Hải Phòng: Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội" in html
    html = _html(client, "/dien-dan-2023/hoi-dap/")
    assert "<summary>Đăng ký tham dự như thế nào?</summary>" in html
    html = _html(client, "/dien-dan-2023/gioi-thieu/")
    assert '<a class="button" href="/dien-dan-2023/chuong-trinh/">Chương trình</a>' in html
    html = _html(client, "/dien-dan-2023/dia-diem/")
    assert '<th scope="col"' in html and "Bãi đỗ trong khuôn viên" in html
    assert "Chính sách bảo mật" in _html(client, "/chinh-sach-bao-mat/")
    assert "<summary>How do I register?</summary>" in _html(client, "/en/forum-2023/faq/")


# --- Languages and errors ---------------------------------------------------------------------


def test_english_pages_use_english_titles_and_strings(client, demo_site):
    html = _html(client, "/en/forum-2023/agenda/")
    assert '<html lang="en">' in html
    assert "Note: the demo's agenda is illustrative." in html
    assert "Opening speech" in html and "Panel discussion" in html.replace("PANEL", "Panel")
    assert "Add the whole agenda to your calendar (.ics)" in html
    assert 'href="/en/forum-2023/agenda/phat-bieu-khai-mac/"' in html
    event = demo_site.event
    event.registration_opens_at = event.registration_closes_at = None
    event.save()
    html = _html(client, "/en/forum-2023/")
    assert "The forum has taken place." in html
    assert ">Agenda</a>" in html and ">Speakers</a>" in html and ">Exhibition</a>" in html


def test_unknown_pages_give_a_404_in_the_right_language(client, demo_site):
    for url in (
        "/dien-dan-2023/chuong-trinh/khong-co-phien-nay/",
        "/dien-dan-2023/dien-gia/khong-co-ai/",
    ):
        html = _html(client, url, status=404)
        assert '<html lang="vi">' in html and "Không tìm thấy trang" in html
    for url in ("/en/forum-2023/agenda/no-such-session/", "/en/forum-2023/speakers/nobody/"):
        html = _html(client, url, status=404)
        assert '<html lang="en">' in html and "Page not found" in html


def test_an_unpublished_session_is_not_served(client, demo_site):
    session = _vi(SessionPage, slug="du-lieu-y-te")
    assert client.get(session.url).status_code == 200
    session.unpublish()
    html = _html(client, "/dien-dan-2023/chuong-trinh/du-lieu-y-te/", status=404)
    assert "Không tìm thấy trang" in html
    assert "Dữ liệu y tế" not in _html(client, "/dien-dan-2023/chuong-trinh/")


def test_sitemap_lists_pages_in_both_languages(client, demo_site, public_url):
    xml = _html(client, "/sitemap.xml")
    # Absolute on the public address (BASE_URL), whatever host the request came by.
    assert f"<loc>{public_url}/dien-dan-2023/chuong-trinh/</loc>" in xml
    assert f"<loc>{public_url}/en/forum-2023/agenda/</loc>" in xml
    assert "/dien-dan-2023/chuong-trinh/phat-bieu-khai-mac/</loc>" in xml


# --- Search -----------------------------------------------------------------------------------


def _result_titles(html: str) -> list[str]:
    results = "".join(re.findall(r'<ul class="search-results">(.*?)</ul>', html, re.S))
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', results)


def test_search_ignores_case_accents_and_d_stroke(client, demo_site):
    for query in ("chuyen doi so", "CHUYỂN ĐỔI SỐ", "Chuyển đổi số"):
        titles = _result_titles(_html(client, f"/tim-kiem/?q={query}"))
        assert "Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023" in titles, query
    for query in ("dang ky", "Đăng ký", "DANG KY", "đăng ký"):
        titles = _result_titles(_html(client, f"/tim-kiem/?q={query}"))
        assert "Đón tiếp đại biểu, đăng ký và nhận thẻ" in titles, query
        assert "Hỏi đáp" in titles, query
    html = _html(client, "/tim-kiem/?q=do duc dat")
    assert '<a href="/dien-dan-2023/dien-gia/do-duc-dat/">Đỗ Đức Đạt</a>' in html
    # Decomposed (NFD) input finds the same.
    titles = _result_titles(
        _html(client, "/tim-kiem/?q=" + unicodedata.normalize("NFD", "Đăng ký"))
    )
    assert "Hỏi đáp" in titles


def test_search_stays_in_the_language_of_the_page(client, demo_site):
    titles = _result_titles(_html(client, "/en/tim-kiem/?q=opening speech"))
    assert titles == ["Opening speech", "Agenda"]  # the agenda's intro mentions it
    assert _result_titles(_html(client, "/tim-kiem/?q=opening speech")) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 1000,
        "chuyển " * 200,
        "%00",
        "%_%",
        "' OR 1=1 --",
        "\u200b\u200d\u202e",
        "\u0301\u0301",
        "🙂🇻🇳",
        "<script>alert(1)</script>",
    ],
)
def test_search_answers_200_to_any_query(client, demo_site, query):
    response = client.get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


# --- Editors ----------------------------------------------------------------------------------


def test_previews_and_edit_views_work_for_every_page_type(client, demo_site):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    for model in (
        HomePage,
        ForumPage,
        AgendaPage,
        SessionPage,
        SpeakerIndexPage,
        ExhibitionPage,
        NewsIndexPage,
        NewsPage,
        StandardPage,
    ):
        page = model.objects.filter(locale__language_code="vi").first()
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200, model
        preview = page.make_preview_request()
        assert preview.status_code == 200, model
        assert page.title in preview.content.decode(), model


def test_admin_speaker_list_searches_without_accents_and_exports(client, demo_site):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    html = _html(client, "/admin/snippets/cms/speaker/?q=do+duc+dat")
    assert "Đỗ Đức Đạt" in html and "Hoàng Minh Cường" not in html
    response = client.get("/admin/snippets/cms/speaker/?export=csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    assert "Nguyễn Văn Khoa" in content
