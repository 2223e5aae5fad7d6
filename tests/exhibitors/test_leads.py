"""Lead scanning at the booth (exhibitors/services/leads.py, exhibitors/lead_views.py): what a
lead shows with and without the visitor's consent to share, the isolation of companies, who
may scan, the rate limit, the purge, re-scans and bad badges."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.models import ActivityEntry
from events.enums import RegistrationStatus
from events.services import registration_cancel, registration_create, registration_update
from events.services.privacy import (
    event_purge_personal_data,
    registration_erase,
    registration_personal_data,
)
from exhibitors.exceptions import (
    LeadAnonymised,
    LeadBadgeInvalid,
    LeadBadgeNotConfirmed,
    LeadBadgeRevoked,
    LeadInvalidDetails,
    LeadScanNotAllowed,
    LeadScanRateLimited,
    LeadWrongEvent,
)
from exhibitors.models import Lead
from exhibitors.services import (
    exhibition_settings_update,
    exhibitor_accept_invitation,
    exhibitor_invite,
)
from exhibitors.services.leads import lead_scan, lead_tags_clean, lead_update
from tests.core.test_exports import csv_rows, xlsx_cells
from tests.factories.events import make_category
from tests.factories.events import make_event as make_other_event
from tests.factories.exhibitors import (
    make_approved_booking,
    make_booths,
    make_exhibitor,
    make_user,
    user_of,
)
from tests.factories.exhibitors import make_event as make_hall_event

SCAN = "/exhibitor/leads/scan/"
JSON = {"HTTP_ACCEPT": "application/json"}
HYPERLINK = '=HYPERLINK("http://evil.example","click")'


def visitor(event, n, *, share=True, **extra):
    return registration_create(
        event=event,
        category=make_category(event),
        full_name=f"Phạm Khách Thăm {n}",
        email=f"khach{n}@example.com",
        phone="0912345678",
        organization=f"Sở Công Thương {n}",
        title="Trưởng phòng",
        share_with_exhibitors=share,
        skip_email_confirmation=True,
        **extra,
    )


def member_of(exhibitor):
    return exhibitor.members.select_related("user", "exhibitor").get()


def colleague_of(exhibitor, n: int = 1):
    """Another member of ``exhibitor`` (invited, then accepted)."""
    email = f"dongnghiep{n}@example.com"
    invitation = exhibitor_invite(exhibitor=exhibitor, email=email, by=user_of(exhibitor))
    user = make_user(email)
    exhibitor_accept_invitation(token=invitation.token, user=user)
    return exhibitor.members.select_related("user", "exhibitor").get(user=user)


@pytest.fixture
def booth_a(event, booths, exhibitor):
    return make_approved_booking(event, booths[0], exhibitor)


@pytest.fixture
def booth_b(event, booths, other_exhibitor):
    return make_approved_booking(event, booths[1], other_exhibitor)


@pytest.fixture
def sharing(event):
    return visitor(event, 1, share=True)


@pytest.fixture
def private(event):
    return visitor(event, 2, share=False)


# --- What a lead shows ------------------------------------------------------------------------


def test_a_visitor_who_shares_becomes_a_lead_with_contact_the_other_only_an_organisation(
    booth_a, exhibitor, sharing, private
):
    member = member_of(exhibitor)
    shared, created = lead_scan(member=member, event=booth_a.event, code=sharing.token)
    hidden, _ = lead_scan(member=member, event=booth_a.event, code=private.token)
    assert created
    assert (shared.full_name, shared.organization, shared.title, shared.email, shared.phone) == (
        "Phạm Khách Thăm 1",
        "Sở Công Thương 1",
        "Trưởng phòng",
        "khach1@example.com",
        "+84912345678",
    )
    assert (hidden.full_name, hidden.title, hidden.email, hidden.phone) == ("", "", "", "")
    assert hidden.organization == "Sở Công Thương 2"
    with translation.override("en"):
        assert hidden.display_name == "A visitor from Sở Công Thương 2"
    with translation.override("vi"):
        assert hidden.display_name == "Một khách tham quan từ Sở Công Thương 2"
    assert (shared.scanned_by, shared.event, shared.scans) == (member, booth_a.event, 1)


def test_the_pages_and_the_export_never_show_a_private_visitors_contact(
    client, booth_a, exhibitor, sharing, private
):
    member = member_of(exhibitor)
    lead_scan(member=member, event=booth_a.event, code=sharing.token)
    hidden, _ = lead_scan(member=member, event=booth_a.event, code=private.token)
    client.force_login(member.user)
    page = client.get("/exhibitor/leads/").content.decode()
    detail = client.get(f"/exhibitor/leads/{hidden.pk}/").content.decode()
    _raw, rows = csv_rows(client.get("/exhibitor/leads/export.csv"))
    exported = "\n".join(",".join(row) for row in rows)
    assert "khach1@example.com" in page and "khach1@example.com" in exported
    for text in (page, detail, exported):
        assert "khach2@example.com" not in text
        assert "Phạm Khách Thăm 2" not in text
        assert "Một khách tham quan từ Sở Công Thương 2" in text
    assert "Khách này không đồng ý chia sẻ thông tin liên hệ với đơn vị trưng bày." in detail


def test_a_withdrawn_consent_hides_the_contact_at_once(client, booth_a, exhibitor, sharing):
    member = member_of(exhibitor)
    lead, _ = lead_scan(member=member, event=booth_a.event, code=sharing.token)
    registration_update(registration=sharing, share_with_exhibitors=False)
    lead = Lead.objects.select_related("registration").get(pk=lead.pk)
    assert (lead.shares_contact, lead.email, lead.full_name) == (False, "", "")
    client.force_login(member.user)
    _raw, rows = csv_rows(client.get("/exhibitor/leads/export.csv"))
    assert "khach1@example.com" not in str(rows)
    assert "khach1@example.com" not in client.get("/exhibitor/leads/").content.decode()


# --- Two companies ---------------------------------------------------------------------------


def test_two_companies_each_see_exactly_their_own_leads(
    client, booth_a, booth_b, exhibitor, other_exhibitor, event
):
    v1, v2, v3 = (visitor(event, n) for n in (1, 2, 3))
    a, b = member_of(exhibitor), member_of(other_exhibitor)
    for registration in (v1, v2):
        lead_scan(member=a, event=event, code=registration.token)
    for registration in (v2, v3):
        lead_scan(member=b, event=event, code=registration.token)
    assert Lead.objects.count() == 4
    b_lead = Lead.objects.get(exhibitor=other_exhibitor, registration=v2)

    client.force_login(a.user)
    page = client.get("/exhibitor/leads/").content.decode()
    assert page.count("data-lead=") == 2
    assert "khach1@example.com" in page and "khach2@example.com" in page
    assert "khach3@example.com" not in page
    _raw, rows = csv_rows(client.get("/exhibitor/leads/export.csv"))
    assert sorted(row[3] for row in rows[1:]) == ["khach1@example.com", "khach2@example.com"]
    xlsx = xlsx_cells(client.get("/exhibitor/leads/export.xlsx"))
    assert sorted(row[3].value for row in xlsx[1:]) == ["khach1@example.com", "khach2@example.com"]
    # Another company's lead: a 404 to read and to write, nothing changes.
    assert client.get(f"/exhibitor/leads/{b_lead.pk}/").status_code == 404
    response = client.post(f"/exhibitor/leads/{b_lead.pk}/", {"note": "x", "rating": "5"})
    assert response.status_code == 404
    b_lead.refresh_from_db()
    assert (b_lead.note, b_lead.rating) == ("", None)
    with pytest.raises(LeadScanNotAllowed):
        lead_update(lead=b_lead, member=a, note="x", rating=5, tags="")

    client.force_login(b.user)
    _raw, rows = csv_rows(client.get("/exhibitor/leads/export.csv"))
    assert sorted(row[3] for row in rows[1:]) == ["khach2@example.com", "khach3@example.com"]


# --- Who may scan ----------------------------------------------------------------------------


def test_anonymous_and_users_without_a_company_are_refused(client, booth_a, sharing):
    assert client.post(SCAN, {"event": "expo-2024", "code": sharing.token}).status_code == 302
    response = client.post(SCAN, {"event": "expo-2024", "code": sharing.token}, **JSON)
    assert (response.status_code, response.json()["reason"]) == (401, "login_required")
    client.force_login(make_user())
    response = client.post(SCAN, {"event": "expo-2024", "code": sharing.token})
    assert response.status_code == 302 and response["Location"].endswith("/exhibitor/company/")
    response = client.post(SCAN, {"event": "expo-2024", "code": sharing.token}, **JSON)
    assert (response.status_code, response.json()["reason"]) == (403, "no_company")
    assert client.get("/exhibitor/leads/").status_code == 302
    assert client.get("/exhibitor/leads/export.csv").status_code == 302
    assert not Lead.objects.exists()


def test_a_company_without_an_approved_booth_at_the_event_may_not_scan(
    client, event, booths, exhibitor, other_exhibitor, booth_b, sharing
):
    member = member_of(exhibitor)
    with pytest.raises(LeadScanNotAllowed):
        lead_scan(member=member, event=event, code=sharing.token)
    client.force_login(member.user)
    page = client.get(SCAN).content.decode()
    assert "chưa có gian hàng nào được duyệt" in page
    response = client.post(SCAN, {"event": event.slug, "code": sharing.token}, **JSON)
    assert (response.status_code, response.json()["reason"]) == (403, "lead_scan_not_allowed")
    assert not Lead.objects.exists()


def test_scanning_through_the_page_json_and_plain_form(client, booth_a, exhibitor, sharing):
    client.force_login(user_of(exhibitor))
    page = client.get(SCAN)
    assert "camera=(self)" in page["Permissions-Policy"]
    assert 'name="code"' in page.content.decode()
    response = client.post(SCAN, {"event": "expo-2024", "code": f" {sharing.token}\r\n"}, **JSON)
    body = response.json()
    assert (response.status_code, body["status"], body["created"]) == (200, "ok", True)
    assert body["message"] == "Đã lưu khách tiềm năng: Phạm Khách Thăm 1."
    response = client.post(SCAN, {"event": "expo-2024", "code": sharing.token})
    assert response.status_code == 200
    assert "Đã là khách tiềm năng: Phạm Khách Thăm 1 (lần quét thứ 2)." in response.content.decode()
    assert Lead.objects.get().scans == 2


# --- Rate limit ------------------------------------------------------------------------------


@override_settings(LEAD_SCAN_RATE_LIMIT="3/600")
def test_scanning_is_limited_per_member(client, booth_a, exhibitor, event):
    visitors = [visitor(event, n) for n in range(1, 6)]
    first, second = member_of(exhibitor), colleague_of(exhibitor)
    for registration in visitors[:3]:
        lead_scan(member=first, event=event, code=registration.token)
    with pytest.raises(LeadScanRateLimited):
        lead_scan(member=first, event=event, code=visitors[3].token)
    client.force_login(first.user)
    response = client.post(SCAN, {"event": event.slug, "code": visitors[4].token}, **JSON)
    assert response.status_code == 429
    assert response.json()["reason"] == "rate_limited"
    assert (
        response.json()["message"]
        == "Bạn đang quét quá nhanh. Hãy chậm lại và thử lại sau giây lát."
    )
    assert int(response["Retry-After"]) > 0
    page = client.post(SCAN, {"event": event.slug, "code": visitors[4].token})
    assert page.status_code == 429
    assert "Bạn đang quét quá nhanh" in page.content.decode()
    assert Lead.objects.count() == 3
    # Another member of the same company has a limit of their own.
    lead_scan(member=second, event=event, code=visitors[3].token)
    assert Lead.objects.count() == 4


# --- Bad badges ------------------------------------------------------------------------------


def test_bad_badges_are_refused_with_a_message_and_nothing_saved(client, booth_a, exhibitor, event):
    other_event = make_other_event()
    elsewhere = visitor(other_event, 9)
    cancelled = registration_cancel(registration=visitor(event, 3))
    pending = registration_create(
        event=event,
        category=make_category(event, needs_approval=True),
        full_name="Chờ Duyệt",
        email="cho@example.com",
        skip_email_confirmation=True,
    )
    assert pending.status == RegistrationStatus.PENDING_APPROVAL
    member = member_of(exhibitor)
    cases = [
        ("https://evil.example/?q=<script>", LeadBadgeInvalid),
        ("", LeadBadgeInvalid),
        ("A" * 32, LeadBadgeInvalid),
        ("\x00" * 40, LeadBadgeInvalid),
        (elsewhere.token, LeadWrongEvent),
        (cancelled.token, LeadBadgeRevoked),
        (pending.token, LeadBadgeNotConfirmed),
    ]
    for code, error in cases:
        with pytest.raises(error):
            lead_scan(member=member, event=event, code=code)
    client.force_login(member.user)
    expected = {
        "https://evil.example/": "Mã này không phải thẻ của diễn đàn. Chưa lưu gì.",
        elsewhere.token: "Thẻ này thuộc sự kiện khác. Chưa lưu gì.",
        cancelled.token: "Thẻ này không còn hiệu lực (đăng ký đã bị hủy). Chưa lưu gì.",
        pending.token: "Đăng ký của khách này chưa được xác nhận. Chưa lưu gì.",
    }
    for code, message in expected.items():
        response = client.post(SCAN, {"event": event.slug, "code": code}, **JSON)
        assert (response.status_code, response.json()["message"]) == (400, message)
        assert client.post(SCAN, {"event": event.slug, "code": code}).status_code == 400
    response = client.post(SCAN, {"event": "no-such-event", "code": "x"}, **JSON)
    assert (response.status_code, response.json()["reason"]) == (403, "lead_scan_not_allowed")
    response = client.post(SCAN, {"event": event.slug, "code": ""}, **JSON)
    assert response.json() == {
        "status": "error",
        "reason": "no_code",
        "message": "Hãy quét hoặc nhập mã thẻ.",
    }
    assert not Lead.objects.exists()


def test_a_badge_typed_in_lower_case_is_read_as_the_door_reads_it(booth_a, exhibitor, sharing):
    lead, created = lead_scan(
        member=member_of(exhibitor), event=booth_a.event, code=sharing.token.lower()
    )
    assert created and lead.registration == sharing


# --- Re-scans, notes, ratings, tags ----------------------------------------------------------


def test_a_rescan_updates_the_lead_instead_of_duplicating_it(booth_a, exhibitor, sharing):
    first, second = member_of(exhibitor), colleague_of(exhibitor)
    lead, created = lead_scan(member=first, event=booth_a.event, code=sharing.token)
    again, created_again = lead_scan(member=second, event=booth_a.event, code=sharing.token)
    assert (created, created_again) == (True, False)
    assert again.pk == lead.pk
    assert (again.scans, again.scanned_by, again.first_scanned_at) == (
        2,
        first,
        lead.first_scanned_at,
    )
    assert again.last_scanned_at >= lead.last_scanned_at
    actions = ActivityEntry.objects.filter(action__startswith="lead.").order_by("pk")
    assert [(e.action, e.actor_user_id) for e in actions] == [
        ("lead.captured", first.user_id),
        ("lead.rescanned", second.user_id),
    ]


def test_staff_note_rating_and_tags_without_logging_their_text(client, booth_a, exhibitor, sharing):
    member = member_of(exhibitor)
    lead, _ = lead_scan(member=member, event=booth_a.event, code=sharing.token)
    client.force_login(member.user)
    response = client.post(
        f"/exhibitor/leads/{lead.pk}/",
        {"note": "Muốn xem bản demo", "rating": "4", "tags": "AI,  dữ liệu , ai, Cảng"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.note, lead.rating, lead.tags) == (
        "Muốn xem bản demo",
        4,
        ["AI", "dữ liệu", "Cảng"],
    )
    entry = ActivityEntry.objects.get(action="lead.updated")
    assert entry.changes == {"rating": [None, 4], "note_length": [0, 17], "tags_count": [0, 3]}
    assert "demo" not in str(entry.changes) + entry.reason + entry.object_repr
    for bad in (
        {"rating": "7"},
        {"tags": ",".join(f"t{n}" for n in range(11))},
        {"tags": "x" * 31},
    ):
        response = client.post(f"/exhibitor/leads/{lead.pk}/", {"note": "", **bad})
        assert response.status_code == 400
    lead.refresh_from_db()
    assert (lead.note, lead.rating) == ("Muốn xem bản demo", 4)
    with pytest.raises(LeadInvalidDetails):
        lead_update(lead=lead, member=member, note="", rating=0, tags="")
    assert lead_tags_clean(["  Cảng  biển ", "cảng biển"]) == ["Cảng biển"]


def test_the_export_is_safe_text(client, booth_a, exhibitor, sharing):
    member = member_of(exhibitor)
    lead, _ = lead_scan(member=member, event=booth_a.event, code=sharing.token)
    lead_update(lead=lead, member=member, note=HYPERLINK, rating=5, tags="@nóng")
    client.force_login(member.user)
    raw, rows = csv_rows(client.get("/exhibitor/leads/export.csv"))
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = rows
    cell = dict(zip(header, row, strict=True))
    assert cell["Ghi chú"] == "'" + HYPERLINK
    assert cell["Nhãn"] == "'@nóng"
    assert cell["Số điện thoại"] == "'+84912345678"
    assert cell["Chia sẻ thông tin liên hệ"] == "Có"
    assert cell["Đánh giá"] == "5"
    assert cell["Quét lần đầu lúc"].endswith("+07:00")
    sheet = xlsx_cells(client.get("/exhibitor/leads/export.xlsx"))
    assert all(c.data_type != "f" for c in sheet[1])
    assert client.get("/exhibitor/leads/export.pdf").status_code == 404
    exported = ActivityEntry.objects.filter(action="exhibitor.leads_exported")
    assert [(e.reason, e.changes) for e in exported.order_by("pk")] == [
        ("csv", {"leads": [None, 1]}),
        ("xlsx", {"leads": [None, 1]}),
    ]


# --- Purge -----------------------------------------------------------------------------------


def test_the_purge_removes_the_leads_personal_data(client, booth_a, exhibitor, event):
    member = member_of(exhibitor)
    v1, v2 = visitor(event, 1), visitor(event, 2)
    for registration in (v1, v2):
        lead, _ = lead_scan(member=member, event=event, code=registration.token)
        lead_update(lead=lead, member=member, note="Gặp lại tháng sau", rating=3, tags="vip")
    event_purge_personal_data(event=event)
    leads = list(Lead.objects.select_related("registration").order_by("pk"))
    assert [(lead.note, lead.tags, lead.rating, lead.scans) for lead in leads] == [
        ("", [], 3, 1),
        ("", [], 3, 1),
    ]
    with translation.override("en"):
        assert [lead.display_name for lead in leads] == ["A visitor", "A visitor"]
    assert all(lead.email == "" and lead.organization == "" for lead in leads)
    with pytest.raises(LeadAnonymised):
        lead_update(lead=leads[0], member=member, note="again", rating=1, tags="")
    client.force_login(member.user)
    raw, _rows = csv_rows(client.get("/exhibitor/leads/export.csv"))
    text = raw.decode("utf-8-sig")
    for gone in ("khach1@example.com", "Phạm Khách Thăm", "Sở Công Thương", "Gặp lại", "vip"):
        assert gone not in text
    # Scanning an anonymised badge finds nobody.
    with pytest.raises(LeadBadgeInvalid):
        lead_scan(member=member, event=event, code=v1.token)


def test_an_erasure_forgets_only_that_visitors_lead(booth_a, exhibitor, event):
    member = member_of(exhibitor)
    v1, v2 = visitor(event, 1), visitor(event, 2)
    for registration in (v1, v2):
        lead, _ = lead_scan(member=member, event=event, code=registration.token)
        lead_update(lead=lead, member=member, note="ghi chú", rating=2, tags="a")
    registration_erase(registration=v1)
    assert list(Lead.objects.order_by("registration_id").values_list("note", "tags")) == [
        ("", []),
        ("ghi chú", ["a"]),
    ]


def test_the_leads_page_and_export_take_as_many_queries_for_two_leads_as_for_six(
    client, booth_a, exhibitor, event
):
    member = member_of(exhibitor)
    client.force_login(member.user)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in (1, 2):
        lead_scan(member=member, event=event, code=visitor(event, n).token)
    # The first page and export of a session fill caches (site, languages, content types).
    queries("/exhibitor/leads/"), queries("/exhibitor/leads/export.xlsx")
    few = [queries("/exhibitor/leads/"), queries("/exhibitor/leads/export.xlsx")]
    for n in range(3, 7):
        lead_scan(member=member, event=event, code=visitor(event, n).token)
    assert [queries("/exhibitor/leads/"), queries("/exhibitor/leads/export.xlsx")] == few


@override_settings(LEAD_SCAN_RATE_LIMIT="1000/60")
def test_the_leads_list_shows_50_a_page_with_links_that_keep_the_event(
    client, booth_a, exhibitor, event
):
    member = member_of(exhibitor)
    client.force_login(member.user)
    for n in range(1, 53):
        lead_scan(member=member, event=event, code=visitor(event, n, share=n % 2 == 0).token)
    newest_first = list(Lead.objects.filter(exhibitor=exhibitor).values_list("pk", flat=True))

    def rows(url) -> tuple[list[int], str, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        pks = [int(pk) for pk in re.findall(r'data-lead="(\d+)"', html)]
        return pks, html, len(captured)

    client.get("/exhibitor/leads/")  # the first page of a session fills caches
    first, html, first_queries = rows("/exhibitor/leads/")
    assert first == newest_first[:50]
    assert 'aria-label="Các trang khách tiềm năng"' in html
    assert "Trang 1 / 2" in html and '<a href="?page=2" rel="next">' in html
    assert 'rel="prev"' not in html
    second, html, second_queries = rows("/exhibitor/leads/?page=2")
    assert second == newest_first[50:]
    assert '<a href="?page=1" rel="prev">' in html and 'rel="next"' not in html
    assert second_queries == first_queries
    # The chosen event stays in the links; a page out of range or not a number is still a page.
    filtered, html, filtered_queries = rows(f"/exhibitor/leads/?event={event.slug}")
    assert filtered == first and f'href="?event={event.slug}&amp;page=2"' in html
    assert filtered_queries == first_queries
    assert rows("/exhibitor/leads/?page=99")[0] == second
    assert rows("/exhibitor/leads/?page=abc")[0] == first


def test_the_guests_data_download_names_the_companies_that_scanned_them(
    booth_a, booth_b, exhibitor, other_exhibitor, sharing
):
    member = member_of(exhibitor)
    lead, _ = lead_scan(member=member, event=booth_a.event, code=sharing.token)
    lead_update(lead=lead, member=member, note="Hẹn gọi lại", rating=4, tags="cảng")
    lead_scan(member=member_of(other_exhibitor), event=booth_a.event, code=sharing.token)
    data = registration_personal_data(registration=sharing)
    assert [
        (item["exhibitor"], item["note"], item["rating"], item["tags"], item["scans"])
        for item in data["exhibitor_leads"]
    ] == [
        ("Công ty Cổ phần Dữ liệu Hải Phòng", "Hẹn gọi lại", 4, ["cảng"], 1),
        ("Công ty TNHH Đối Thủ", "", None, [], 1),
    ]
    assert data["exhibitor_leads"][0]["first_scanned_at"].endswith("+07:00")


def test_a_company_at_two_events_scans_at_the_event_it_chooses(client, booth_a, exhibitor):
    second = make_hall_event(slug="expo-2025", name="Expo 2025")
    exhibition_settings_update(event=second, booking_open=True)
    make_approved_booking(second, make_booths(second, count=1)[0], exhibitor)
    here, there = visitor(booth_a.event, 1), visitor(second, 2)
    client.force_login(user_of(exhibitor))
    page = client.get(SCAN).content.decode()
    assert '<option value="expo-2024">' in page and '<option value="expo-2025">' in page
    response = client.post(SCAN, {"event": "expo-2024", "code": there.token}, **JSON)
    assert (response.status_code, response.json()["reason"]) == (400, "wrong_event")
    for slug, registration in (("expo-2025", there), ("expo-2024", here)):
        response = client.post(SCAN, {"event": slug, "code": registration.token}, **JSON)
        assert response.json()["created"] is True
    listed = client.get("/exhibitor/leads/", {"event": "expo-2025"}).content.decode()
    assert "khach2@example.com" in listed and "khach1@example.com" not in listed
    _raw, rows = csv_rows(client.get("/exhibitor/leads/export.csv", {"event": "expo-2024"}))
    assert [row[3] for row in rows[1:]] == ["khach1@example.com"]
    assert client.get("/exhibitor/leads/", {"event": "no-such-event"}).status_code == 404


def test_the_english_scanner_answers_in_english(client, booth_a, exhibitor, private):
    client.force_login(user_of(exhibitor))
    url = "/en" + SCAN
    body = client.post(url, {"event": "expo-2024", "code": private.token}, **JSON).json()
    assert body["message"] == "Lead saved: A visitor from Sở Công Thương 2."
    body = client.post(url, {"event": "expo-2024", "code": "nope"}, **JSON).json()
    assert body["message"] == "This code is not a badge of the forum. Nothing was saved."


# --- The organizer's count ----------------------------------------------------------------------


def test_the_bookings_list_counts_each_companys_leads_at_its_event_never_who(
    client, organizer, booth_a, booth_b, exhibitor, other_exhibitor, event, booths
):
    second = make_hall_event(slug="expo-2025", name="Expo 2025")
    exhibition_settings_update(event=second, booking_open=True)
    elsewhere = make_approved_booking(second, make_booths(second, count=1)[0], exhibitor)
    member = member_of(exhibitor)
    lead_scan(member=member, event=second, code=visitor(second, 90).token)
    client.force_login(organizer)

    def counts(url) -> tuple[dict[str, str], str, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        rows = re.findall(
            r'href="/admin/exhibition/bookings/(\d+)/decide/".*?data-leads="(\d+)"', html, re.S
        )
        return dict(rows), html, len(captured)

    url = f"/admin/exhibition/bookings/?event={event.pk}"
    client.get(url)  # the first admin page of a session fills caches
    before, _html, few = counts(url)
    assert before == {str(booth_a.pk): "0", str(booth_b.pk): "0"}
    guests = [visitor(event, n) for n in range(1, 4)]
    for guest in guests:
        lead_scan(member=member, event=event, code=guest.token)
    lead_scan(member=member_of(other_exhibitor), event=event, code=guests[0].token)
    third = make_approved_booking(event, booths[2], make_exhibitor("Công ty Thứ Ba"))
    after, html, more = counts(url)
    assert after == {str(booth_a.pk): "3", str(booth_b.pk): "1", str(third.pk): "0"}
    assert "Khách tiềm năng" in html  # the column's heading
    assert "khach1@example.com" not in html and "Phạm Khách Thăm" not in html
    assert more == few
    assert counts(f"/admin/exhibition/bookings/?event={second.pk}")[0] == {str(elsewhere.pk): "1"}
    export = client.get(f"/admin/exhibition/bookings/?event={event.pk}&export=csv")
    _raw, rows = csv_rows(export)
    column = rows[0].index("Khách tiềm năng")
    assert sorted(row[column] for row in rows[1:]) == ["0", "1", "3"]
