"""Two languages that stay in step: English values of the event, categories, rooms and zones
(Vietnamese fallback marked lang="vi"), translations that follow their Vietnamese page on
publish, ASCII slugs, and dates that read right inside a sentence."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.html import escape
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.demo import ROOM_2
from cms.enums import SpeakerRole
from cms.models import AgendaPage, SessionPage, SessionSpeaker, Speaker
from cms.translations import translations_sync
from core.localized import localized
from events.models import AttendeeCategory
from exhibitors.models import Booth

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
THEME_VI = "Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội"
THEME_EN = "Building digital data – the foundation of socio-economic development"


def _vi(model, **filters):
    return model.objects.get(locale__language_code="vi", **filters)


def _en(model, **filters):
    return model.objects.get(locale__language_code="en", **filters)


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _open_registration(event):
    event.registration_opens_at = dt.datetime(2023, 11, 15, 8, 0, tzinfo=HCM)
    event.registration_closes_at = dt.datetime(2099, 12, 31, 23, 59, tzinfo=HCM)
    event.ends_at = dt.datetime(2099, 12, 31, 23, 59, tzinfo=HCM)
    event.save()


# --- English values with a marked Vietnamese fallback ------------------------------------------


def test_english_pages_show_the_english_event_values_and_vietnamese_ones_stay(client, demo_site):
    html = _html(client, "/en/")
    assert f"“{THEME_EN}”" in html
    assert "Hai Phong City Convention Centre, 18 Hoàng Diệu, Hồng Bàng, Hai Phong" in html
    assert "Hai Phong People&#x27;s Committee and the Vietnam Software" in html
    assert THEME_VI not in html
    assert 'lang="vi"' not in html.split("<main", 1)[1]  # nothing falls back
    vi = _html(client, "/")
    assert f"“{THEME_VI}”" in vi
    assert "Trung tâm Hội nghị thành phố Hải Phòng" in vi
    assert THEME_EN not in vi and "<span lang=" not in vi


def test_a_missing_english_value_falls_back_to_vietnamese_marked_lang_vi(client, demo_site):
    event = demo_site.event
    event.theme_en = ""
    event.venue_en = ""
    event.save()
    html = _html(client, "/en/")
    assert f'“<span lang="vi">{THEME_VI}</span>”' in html
    assert '<span lang="vi">Trung tâm Hội nghị thành phố Hải Phòng</span>' in html
    # In Vietnamese the same value is plain text.
    assert f"“{THEME_VI}”" in _html(client, "/")


def test_the_english_json_ld_and_calendar_name_the_event_in_english(client, demo_site):
    html = _html(client, "/en/")
    assert '"name": "Hai Phong Digital Transformation Forum 2023"' in html
    assert '"about": "Building digital data' in html
    with translation.override("en"):
        assert str(localized(demo_site.event, "name")) == (
            "Hai Phong Digital Transformation Forum 2023"
        )
    with translation.override("vi"):
        assert localized(demo_site.event, "name").value == demo_site.event.name


def test_registration_form_names_categories_in_the_page_language(client, demo_site):
    event = demo_site.event
    _open_registration(event)
    AttendeeCategory.objects.create(
        event=event, name="Đại biểu", name_en="Delegates", slug="dai-bieu", sort_order=1
    )
    AttendeeCategory.objects.create(event=event, name="Doanh nghiệp", slug="dn", sort_order=2)
    html = _html(client, f"/en/register/{event.slug}/")
    assert "<strong>Hai Phong Digital Transformation Forum 2023</strong>" in html
    assert "<title>Register · Hai Phong Digital Transformation Forum 2023" in html
    labels = re.findall(
        r'name="category" value="\d+"[^>]*>\s*(?:<label[^>]*>)?\s*(.*?)</label>', html, re.S
    )
    assert [label.strip() for label in labels] == [
        "Delegates",
        '<span lang="vi">Doanh nghiệp</span>',
    ]
    vi = _html(client, f"/register/{event.slug}/")
    labels = re.findall(
        r'name="category" value="\d+"[^>]*>\s*(?:<label[^>]*>)?\s*(.*?)</label>', vi, re.S
    )
    assert [label.strip() for label in labels] == ["Đại biểu", "Doanh nghiệp"]


def test_session_room_and_agenda_columns_in_english_untranslated_full_text_marked(
    client, demo_site
):
    session = _en(SessionPage, slug="phat-bieu-khai-mac")
    html = _html(client, session.url)
    assert "<dt>Room</dt><dd>Main hall</dd>" in html
    assert "<dt>Venue</dt><dd>Hai Phong City Convention Centre</dd>" in html
    # The English abstract is the translator's; the full text is still the Vietnamese one.
    assert '<div class="rich-text"><p>' in html
    assert '<div class="stream" lang="vi">' in html
    assert "<h1>Opening speech</h1>" in html
    vi = _html(client, _vi(SessionPage, slug="phat-bieu-khai-mac").url)
    assert '<div class="stream">' in vi and "<dd>Hội trường chính</dd>" in vi

    agenda = _html(client, _en(AgendaPage).url)
    columns = re.search(r'<div class="agenda-rooms"[^>]*>(.*?)</div>', agenda).group(1)
    # The rooms where sessions run in parallel are the columns.
    assert re.findall(r"<span>(.*?)</span>", columns) == ["Conference room 1", "Conference room 2"]
    assert '<span class="room">Conference room 1</span>' in agenda


def test_booth_zone_in_english_with_a_marked_fallback(client, demo_site):
    event = demo_site.event
    plan = {"price_vnd": 12_000_000, "x_m": 1, "y_m": 1}
    Booth.objects.create(event=event, code="A01", zone="Khu A", zone_en="Zone A", **plan)
    Booth.objects.create(event=event, code="A02", zone="Khu B", **{**plan, "x_m": 5})
    html = _html(client, f"/en/exhibition/{event.slug}/booths/A01/")
    assert "<dt>Zone</dt><dd>Zone A</dd>" in html
    html = _html(client, f"/en/exhibition/{event.slug}/booths/A02/")
    assert '<dt>Zone</dt><dd><span lang="vi">Khu B</span></dd>' in html
    assert "<dd>Khu A</dd>" in _html(client, f"/exhibition/{event.slug}/booths/A01/")


def test_a_speaker_without_an_english_position_is_marked_lang_vi(client, demo_site):
    link = _vi(SessionPage, slug="phat-bieu-khai-mac").session_speakers.first()
    speaker = link.speaker
    speaker.position_en = ""
    speaker.save()
    html = _html(client, _en(SessionPage, slug="phat-bieu-khai-mac").url)
    organization = escape(speaker.organization_en)
    affiliation = f'<span lang="vi">{speaker.position}</span>, {organization}'
    assert f'<span class="affiliation">{affiliation}</span>' in html
    index = _html(client, "/en/forum-2023/speakers/")
    assert f'<span class="position"><span lang="vi">{speaker.position}</span></span>' in index
    page = _html(client, f"/en/forum-2023/speakers/{speaker.slug}/")
    assert f'<p class="position"><span lang="vi">{speaker.position}</span></p>' in page
    assert f'<p class="organization">{organization}</p>' in page


# --- Translations follow their Vietnamese page -------------------------------------------------


def _speaker_names(html: str) -> list[str]:
    section = html.split('<section class="session-speakers">', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="[^"]+/">([^<]+)</a>', section)


def test_publishing_the_vietnamese_session_brings_speakers_and_times_to_the_english_page(
    client, demo_site
):
    vi = _vi(SessionPage, slug="toa-dam-kho-du-lieu-dung-chung")
    en = _en(SessionPage, slug="toa-dam-kho-du-lieu-dung-chung")
    en_title, en_abstract = en.title, str(en.abstract)
    before = _speaker_names(_html(client, en.url))
    assert len(before) == 4

    newcomer = Speaker.objects.create(name="Trần Thị Hồng Nhung", organization="Sở Y tế")
    links = list(vi.session_speakers.all())
    dropped = links[-1].speaker.name
    vi.session_speakers = [
        SessionSpeaker(speaker_id=link.speaker_id, role=link.role, sort_order=link.sort_order)
        for link in links[:-1]
    ] + [SessionSpeaker(speaker=newcomer, role=SpeakerRole.SPEAKER, sort_order=10)]
    vi.starts_at += dt.timedelta(minutes=15)
    vi.ends_at += dt.timedelta(minutes=15)
    vi.room, vi.room_en = ROOM_2, "Conference room 2"
    vi.title = "Tọa đàm: tiêu đề mới"  # text: stays the translator's in English
    vi.save_revision().publish()

    after = _speaker_names(_html(client, en.url))
    assert after == [*before[:-1], "Trần Thị Hồng Nhung"]
    assert dropped not in after
    en.refresh_from_db()
    assert (en.starts_at, en.ends_at) == (vi.starts_at, vi.ends_at)
    assert (en.room, en.room_en) == (ROOM_2, "Conference room 2")
    assert (en.title, str(en.abstract)) == (en_title, en_abstract)
    assert not en.has_unpublished_changes
    assert en.live_revision_id == en.latest_revision_id  # published as a new revision
    html = _html(client, en.url)
    assert "<dd>Conference room 2</dd>" in html and "<time" in html
    assert f"<h1>{en_title}</h1>" in html


def test_a_translators_draft_keeps_its_text_and_gets_the_speakers(client, demo_site):
    vi = _vi(SessionPage, slug="phat-bieu-khai-mac")
    en = _en(SessionPage, slug="phat-bieu-khai-mac")
    draft = en.get_latest_revision_as_object()
    draft.abstract = "<p>A better English abstract, not published yet.</p>"
    draft.save_revision()

    newcomer = Speaker.objects.create(name="Phạm Quốc Bảo")
    vi.session_speakers.add(SessionSpeaker(speaker=newcomer, sort_order=5))
    vi.save_revision().publish()

    # The public English page has the speaker, not the draft's text.
    html = _html(client, en.url)
    assert "Phạm Quốc Bảo" in html
    assert "A better English abstract" not in html
    # The draft has both: the translator's text and the new speaker.
    en.refresh_from_db()
    assert en.has_unpublished_changes
    latest = en.get_latest_revision_as_object()
    assert str(latest.abstract) == "<p>A better English abstract, not published yet.</p>"
    assert newcomer.pk in [link.speaker_id for link in latest.session_speakers.all()]
    latest.save_revision().publish()
    html = _html(client, en.url)
    assert "A better English abstract" in html and "Phạm Quốc Bảo" in html


def test_only_the_vietnamese_page_leads(demo_site):
    en = _en(SessionPage, slug="phat-bieu-khai-mac")
    vi = _vi(SessionPage, slug="phat-bieu-khai-mac")
    en.room = "Somewhere else"
    en.save_revision().publish()
    vi.refresh_from_db()
    assert vi.room == "Hội trường chính"  # publishing a translation changes no other page
    assert translations_sync(page=en) == []


def test_forum_and_agenda_translations_follow_the_event_and_room_order(client, demo_site):
    agenda_vi = _vi(AgendaPage)
    agenda_vi.rooms = "Phòng hội thảo 2\nPhòng hội thảo 1\nHội trường chính"
    agenda_vi.save_revision().publish()
    agenda_en = _en(AgendaPage)
    assert agenda_en.rooms == agenda_vi.rooms
    assert agenda_en.title == "Agenda"
    html = _html(client, agenda_en.url)
    columns = re.search(r'<div class="agenda-rooms"[^>]*>(.*?)</div>', html).group(1)
    assert re.findall(r"<span>(.*?)</span>", columns) == ["Conference room 2", "Conference room 1"]


# --- ASCII slugs ---------------------------------------------------------------------------------


def test_new_pages_get_ascii_slugs_from_vietnamese_titles_or_slugs(client, demo_site):
    agenda = _vi(AgendaPage)
    start = dt.datetime(2023, 12, 27, 16, 0, tzinfo=HCM)
    talk = SessionPage(
        title="Tham luận: Đổi mới dữ liệu y tế", starts_at=start, ends_at=start, room=""
    )
    agenda.add_child(instance=talk)
    talk.save_revision().publish()
    assert talk.slug == "tham-luan-doi-moi-du-lieu-y-te"
    assert talk.url == "/dien-dan-2023/chuong-trinh/tham-luan-doi-moi-du-lieu-y-te/"
    assert "Tham luận: Đổi mới dữ liệu y tế" in _html(client, talk.url)

    given = SessionPage(
        title="Phiên đặc biệt", slug="phiên-đặc-biệt", starts_at=start, ends_at=start
    )
    agenda.add_child(instance=given)
    assert given.slug == "phien-dac-biet"
    english = given.copy_for_translation(Locale.objects.get(language_code="en"))
    assert english.slug == "phien-dac-biet"


def test_every_demo_page_has_an_ascii_slug_and_url(demo_site):
    for page in Page.objects.filter(depth__gt=1):
        assert page.slug.isascii() and page.url_path.isascii(), page.url_path
        assert "%" not in (page.url or "")


def test_the_admin_makes_ascii_slugs(client, demo_site):
    user = get_user_model().objects.create_superuser("slugs", "slugs@example.org", "pw")
    client.force_login(user)
    agenda = _vi(AgendaPage)
    url = f"/admin/pages/add/cms/sessionpage/{agenda.pk}/"
    # The slug field transliterates as the editor types (no "allow unicode" flag).
    html = _html(client, url)
    assert 'data-controller="w-slug"' in html
    assert "data-w-slug-allow-unicode-value" not in html
    # Whatever arrives (a pasted Vietnamese slug), the page gets an ASCII one.
    data = nested_form_data(
        {
            "title": "Tọa đàm: Đô thị thông minh",
            "slug": "tọa-đàm-đô-thị-thông-minh",
            "starts_at": "2023-12-27 15:00",
            "ends_at": "2023-12-27 16:00",
            "kind": "talk",
            "abstract": rich_text(""),
            "body": streamfield([]),
            "session_speakers": inline_formset([]),
            "attachments": inline_formset([]),
            "action-publish": "1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    page = SessionPage.objects.get(title="Tọa đàm: Đô thị thông minh")
    assert page.slug == "toa-dam-do-thi-thong-minh" and page.live
    assert page.url == "/dien-dan-2023/chuong-trinh/toa-dam-do-thi-thong-minh/"


# --- Dates inside sentences ----------------------------------------------------------------------


def test_registration_dates_read_right_in_both_languages(client, demo_site):
    event = demo_site.event
    event.starts_at = dt.datetime(2099, 12, 31, 8, 0, tzinfo=HCM)
    event.ends_at = dt.datetime(2099, 12, 31, 17, 0, tzinfo=HCM)
    event.registration_opens_at = dt.datetime(2023, 11, 15, 8, 0, tzinfo=HCM)
    event.registration_closes_at = dt.datetime(2099, 12, 31, 7, 59, tzinfo=HCM)
    event.save()
    assert "Hạn đăng ký: 07:59 ngày 31 tháng 12 năm 2099." in _html(client, "/")
    assert "Registration closes at 07:59 on 31 December 2099." in _html(client, "/en/")

    event.registration_opens_at = dt.datetime(2099, 11, 15, 8, 0, tzinfo=HCM)
    event.save()
    assert "Mở đăng ký từ 08:00 ngày 15 tháng 11 năm 2099." in _html(client, "/")
    assert "Registration opens at 08:00 on 15 November 2099." in _html(client, "/en/")
    for html in (_html(client, "/"), _html(client, "/en/")):
        assert ".." not in re.sub(r"<[^>]+>", "", html).replace("...", "")
        assert " Ngày " not in html
