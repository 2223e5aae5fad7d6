"""The organizer's side in Wagtail's admin: list with filters, accent-blind search, counts,
CSV/XLSX export, actions and bulk actions, invitation import, badge sheets."""

import datetime as dt
import io
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import ActivityEntry
from events.admin import ACTION_STATUSES, ACTIONS
from events.enums import RegistrationStatus as S
from events.exceptions import BadgeBatchNotRetryable, InvalidTransition
from events.models import BadgeBatch, Invitation, InvitationImport, Registration
from events.services import registration_create
from events.services.badges import badge_batch_create, badge_batch_retry
from tests.factories.events import make_category, make_event
from tests.factories.pdf import pdf_qr_tokens, pdf_text

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_events_registration:list"


@pytest.fixture
def organizer(client):
    user = get_user_model().objects.create_superuser("org", "org@example.com", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def event():
    return make_event()


def register(event, category, name, email, **kwargs):
    return registration_create(
        event=event,
        category=category,
        full_name=name,
        email=email,
        skip_email_confirmation=True,
        **kwargs,
    )


def listed(client, **params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return [row.full_name for row in response.context["object_list"]]


@pytest.mark.parametrize(
    "query",
    [
        "nguyen van khoa",
        "NGUYEN VAN KHOA",
        unicodedata.normalize("NFD", "Nguyễn Văn Khoa"),
        "Nguyễn Văn Khoa",
        "khoa nguyen",
    ],
)
def test_search_is_accent_and_case_blind(client, organizer, event, query):
    category = make_category(event)
    register(event, category, "Nguyễn Văn Khoa", "khoa@example.com")
    register(event, category, "Trần Thị Hà", "ha@example.com")
    assert listed(client, q=query) == ["Nguyễn Văn Khoa"]


def test_search_do_finds_the_d_stroke(client, organizer, event):
    category = make_category(event)
    register(event, category, "Đỗ Thị Đào", "dao@example.com")
    register(event, category, "Trần Văn Nam", "nam@example.com", organization="Viettel")
    assert listed(client, q="do") == ["Đỗ Thị Đào"]
    assert listed(client, q="viettel") == ["Trần Văn Nam"]  # organization too


def test_filters_and_counts_per_status(client, organizer, event):
    small = make_category(event, name="Báo chí", capacity=1)
    big = make_category(event, name="Đại biểu")
    register(event, small, "A Một", "a@example.com")
    register(event, small, "B Hai", "b@example.com")  # waitlisted
    register(event, big, "C Ba", "c@example.com")
    assert listed(client, status="waitlisted") == ["B Hai"]
    assert sorted(listed(client, category=small.pk)) == ["A Một", "B Hai"]
    response = client.get(reverse(LIST))
    counts = {row["status"]: row["count"] for row in response.context["status_counts"]}
    assert (counts["confirmed"], counts["waitlisted"], counts["cancelled"]) == (2, 1, 0)
    assert 'data-status="waitlisted"' in response.content.decode()


def _fill(event, kind: str, numbers: range) -> None:
    category = event.categories.first() or make_category(event, name="Khách mời VIP")
    for i in numbers:
        if kind == "registration":
            register(event, category, f"Người Số {i}", f"p{i}-{kind}@example.com")
        elif kind == "invitation":
            registration = register(event, category, f"Khách {i}", f"k{i}@example.com")
            Invitation.objects.create(event=event, category=category, registration=registration)
        else:
            make_category(event, name=f"Loại {i}")


@pytest.mark.parametrize("kind", ["registration", "attendeecategory", "invitation"])
def test_list_pages_query_count_does_not_grow(
    client, organizer, event, kind, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"wagtailsnippets_events_{kind}:list")
    _fill(event, kind, range(1))
    client.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _fill(event, kind, range(1, 25))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_export_csv_and_xlsx(client, organizer, event):
    category = make_category(event, name="Đại biểu")
    register(event, category, "Nguyễn Thị Ánh Tuyết", "t@example.com", phone="0912345678")
    csv = client.get(reverse(LIST), {"export": "csv"})
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8")
    assert "Nguyễn Thị Ánh Tuyết" in text and "+84912345678" in text and "Đại biểu" in text
    xlsx = client.get(reverse(LIST), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Nguyễn Thị Ánh Tuyết" in values and "t@example.com" in values


def test_row_actions_approve_cancel_reissue_resend(
    client, organizer, event, django_capture_on_commit_callbacks
):
    press = make_category(event, name="Báo chí", needs_approval=True)
    registration = register(event, press, "Đặng Quốc Bảo", "bao@example.com")
    url = reverse("wagtailsnippets_events_registration:action", args=[registration.pk, "approve"])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    token = registration.token
    reissue = reverse(
        "wagtailsnippets_events_registration:action", args=[registration.pk, "reissue"]
    )
    client.post(reissue)
    registration.refresh_from_db()
    assert registration.token != token
    mail.outbox.clear()
    resend = reverse("wagtailsnippets_events_registration:action", args=[registration.pk, "resend"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend)
    assert [m.to for m in mail.outbox] == [["bao@example.com"]]
    badge = client.get(reverse("wagtailsnippets_events_registration:badge", args=[registration.pk]))
    assert "Đặng Quốc Bảo" in pdf_text(badge.content)
    cancel = reverse("wagtailsnippets_events_registration:action", args=[registration.pk, "cancel"])
    client.post(cancel)
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    # approving a cancelled registration changes nothing and says so
    response = client.post(url, follow=True)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert (
        client.post(
            reverse("wagtailsnippets_events_registration:action", args=[registration.pk, "nope"])
        ).status_code
        == 404
    )


def test_the_admin_offers_each_action_exactly_where_its_service_accepts_it(event):
    category = make_category(event, name="Đại biểu")
    offered, accepted = set(), set()
    for n, (status, action) in enumerate(
        (status, action) for status in S.values for action in ACTIONS
    ):
        registration = register(event, category, f"Khách {n}", f"k{n}@example.com")
        Registration.objects.filter(pk=registration.pk).update(status=status)
        registration.refresh_from_db()
        if status in ACTION_STATUSES[action]:
            offered.add((status, action))
        try:
            result = ACTIONS[action][1](registration, None)
        except InvalidTransition:
            continue
        if action != "cancel" or result.status != status:  # a cancel that is no change
            accepted.add((status, action))
    assert offered == accepted
    assert ("confirmed", "reissue") in accepted and ("waitlisted", "reissue") not in accepted


def test_bulk_approve_and_reject(client, organizer, event):
    press = make_category(event, name="Báo chí", needs_approval=True, capacity=10)
    regs = [register(event, press, f"Phóng Viên {n}", f"pv{n}@example.com") for n in range(3)]
    url = reverse("wagtail_bulk_action", args=["events", "registration", "registration_approve"])
    query = "&".join(f"id={r.pk}" for r in regs[:2])
    assert client.get(f"{url}?{query}").status_code == 200
    response = client.post(f"{url}?{query}")
    assert response.status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in regs]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.PENDING_APPROVAL]
    reject = reverse("wagtail_bulk_action", args=["events", "registration", "registration_reject"])
    client.post(f"{reject}?" + "&".join(f"id={r.pk}" for r in regs))
    statuses = [Registration.objects.get(pk=r.pk).status for r in regs]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.REJECTED]  # confirmed ones skipped


def test_admin_create_and_edit_go_through_the_services(client, organizer, event):
    category = make_category(event, name="Đại biểu")
    add = reverse("wagtailsnippets_events_registration:add")
    data = {
        "category": category.pk,
        "full_name": "Hoàng Minh Cường",
        "email": "cuong@example.com",
        "phone": "0912 345 678",
        "organization": "",
        "title": "",
        "language": "vi",
        "needs": "",
    }
    assert client.post(add, data).status_code == 302
    registration = Registration.objects.get()
    assert (registration.status, registration.phone) == (S.CONFIRMED, "+84912345678")
    assert registration.created_by == organizer
    duplicate = client.post(add, {**data, "email": "CUONG@example.com"})
    assert duplicate.status_code == 200 and Registration.objects.count() == 1
    edit = reverse("wagtailsnippets_events_registration:edit", args=[registration.pk])
    token = registration.token
    response = client.post(edit, {**data, "full_name": "Hoàng Minh Cương"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.full_name == "Hoàng Minh Cương" and registration.token != token


CSV = (
    "full_name,email,phone,organization,title,category\n"
    "Nguyễn Thị Ánh Tuyết,tuyet@example.com,0912345678,UBND TP Hải Phòng,Phó Chủ tịch,"
    "Khách mời VIP\n"
    "Đặng Quốc Bảo,not-an-email,,Báo Hải Phòng,,Khách mời VIP\n"
    "Hoàng Minh Cường,cuong@example.com,,Viettel,,Khách mời VIP\n"
    "Hoàng Minh Cường,CUONG@example.com,,Viettel,,Khách mời VIP\n"
    "Lê Văn Nam,nam@example.com,,FPT,,Không có loại này\n"
    "Phạm Thu Hà,ha@example.com,123,FPT,,Khách mời VIP\n"
)


def test_invitation_import_preview_then_import_then_reimport(
    client, organizer, event, django_capture_on_commit_callbacks
):
    vip = make_category(event, name="Khách mời VIP", slug="vip", is_public=False)
    url = reverse("events_invitation_import")
    upload = io.BytesIO(CSV.encode("utf-8-sig"))
    upload.name = "khach-moi.csv"
    preview = client.post(url, {"event": event.pk, "file": upload})
    assert preview.status_code == 200
    rows = preview.context["preview"].rows
    assert [(r.action, r.reason_code) for r in rows] == [
        ("create", ""),
        ("reject", "bad_email"),
        ("create", ""),
        ("reject", "duplicate"),
        ("reject", "unknown_category"),
        ("reject", "bad_phone"),
    ]
    body = preview.content.decode()
    assert "Không có loại đại biểu “Không có loại này”." in body
    assert Registration.objects.count() == 0  # a preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {"confirm": "1", "upload": preview.context["upload"]},
        )
    assert done.status_code == 302
    record = InvitationImport.objects.get()
    assert (record.created_count, record.skipped_count, record.rejected_count) == (2, 0, 4)
    regs = Registration.objects.order_by("full_name")
    assert [(r.full_name, r.category, r.status) for r in regs] == [
        ("Hoàng Minh Cường", vip, S.CONFIRMED),
        ("Nguyễn Thị Ánh Tuyết", vip, S.CONFIRMED),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["cuong@example.com", "tuyet@example.com"]
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)
    assert Invitation.objects.filter(registration__isnull=False).count() == 2
    report = client.get(reverse("events_invitation_import_report", args=[record.pk]))
    assert "not-an-email" in report.content.decode()

    upload = io.BytesIO(CSV.encode("utf-8"))
    upload.name = "khach-moi.csv"
    again = client.post(url, {"event": event.pk, "file": upload})
    assert [r.action for r in again.context["preview"].rows] == [
        "exists",
        "reject",
        "exists",
        "reject",
        "reject",
        "reject",
    ]
    client.post(url, {"confirm": "1", "upload": again.context["upload"]})
    assert Registration.objects.count() == 2  # nothing duplicated
    assert InvitationImport.objects.order_by("-id").first().skipped_count == 2


def test_invitation_import_keeps_a_2_mb_upload_on_the_server_until_confirmed(
    client, organizer, event
):
    """The preview form sends back a random key, not the file: a 2 MB file (more than a form
    field may carry) is confirmed, and only by the session that uploaded it."""
    padding = "x" * 1000
    rows = [f"Khách {n},not-an-email-{n},,{padding}" for n in range(1999)]
    rows.append("Trần Văn Lớn,lon@example.com,,FPT")
    content = "\n".join(["full_name,email,phone,organization", *rows]).encode()
    assert len(content) > 2_000_000
    upload = io.BytesIO(content)
    upload.name = "lon.csv"
    url = reverse("events_invitation_import")
    guest = make_category(event, name="Khách mời", slug="khach-moi", is_public=False)
    preview = client.post(url, {"event": event.pk, "default_category": guest.pk, "file": upload})
    key = preview.context["upload"]
    body = preview.content.decode()
    assert 'name="content"' not in body and len(body) < len(content)
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_superuser("other", "o@example.com", "x"))
    assert stranger.post(url, {"confirm": "1", "upload": key}).status_code == 302
    assert not Registration.objects.exists()  # another session cannot use the key
    done = client.post(url, {"confirm": "1", "upload": key})
    assert done.status_code == 302
    assert Registration.objects.get().full_name == "Trần Văn Lớn"
    again = client.post(url, {"confirm": "1", "upload": key})  # used once
    assert again.status_code == 302 and InvitationImport.objects.count() == 1


def test_invitation_import_refuses_an_unreadable_file(client, organizer, event):
    upload = io.BytesIO(
        "họ tên;email\nAn;a@example.com".encode("cp1258", "replace")[:5] + b"\xff\xfe\x00"
    )
    upload.name = "bad.csv"
    response = client.post(reverse("events_invitation_import"), {"event": event.pk, "file": upload})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    nohead = io.BytesIO(b"a,b\n1,2\n")
    nohead.name = "nohead.csv"
    response = client.post(reverse("events_invitation_import"), {"event": event.pk, "file": nohead})
    assert "full_name" in " ".join(response.context["form"].errors["file"])


def test_invitation_import_refuses_a_file_of_more_than_2000_guests(client, organizer, event):
    """An import runs within the request: a longer list is refused up front, nothing written."""
    rows = [f"Khách {n},khach{n}@example.com" for n in range(2001)]
    upload = io.BytesIO("\n".join(["full_name,email", *rows]).encode())
    upload.name = "long.csv"
    response = client.post(reverse("events_invitation_import"), {"event": event.pk, "file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Tệp có hơn 2.000 khách: hãy chia thành nhiều tệp."
    ]
    assert not Registration.objects.exists()
    assert not InvitationImport.objects.exists()


def test_badge_sheets_for_a_category_are_built_with_progress_and_downloadable(
    client, organizer, event, tmp_path, django_capture_on_commit_callbacks, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    category = make_category(event, name="Đại biểu")
    regs = [register(event, category, f"Nguyễn Văn {n}", f"v{n}@example.com") for n in range(6)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events_badge_batches"), {"event": event.pk, "category": category.pk}
        )
    batch = BadgeBatch.objects.get()
    assert response.url == reverse("events_badge_batch", args=[batch.pk])
    progress = client.get(response.url, {"format": "json"}).json()
    assert progress == {"status": "done", "done": 6, "total": 6, "percent": 100}
    download = client.get(reverse("events_badge_batch_download", args=[batch.pk]))
    pdf = b"".join(download.streaming_content)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert pdf_qr_tokens(pdf, tmp_path, page=2) == sorted(r.token for r in regs[4:])
    page = client.get(response.url).content.decode()
    assert reverse("events_badge_batch_download", args=[batch.pk]) in page


def test_badge_sheets_for_a_selection_from_the_bulk_action(
    client, organizer, event, tmp_path, django_capture_on_commit_callbacks, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    category = make_category(event, name="Đại biểu")
    regs = [register(event, category, f"Trần Thị {n}", f"t{n}@example.com") for n in range(3)]
    url = reverse("wagtail_bulk_action", args=["events", "registration", "registration_badges"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}?id={regs[0].pk}&id={regs[2].pk}")
    batch = BadgeBatch.objects.get()
    assert response.url == reverse("events_badge_batch", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.total) == ("done", 2)
    pdf = b"".join(
        client.get(reverse("events_badge_batch_download", args=[batch.pk])).streaming_content
    )
    assert pdf_qr_tokens(pdf, tmp_path) == sorted([regs[0].token, regs[2].token])


def test_admin_pages_need_a_login(client, event):
    for name in ("events_badge_batches", "events_invitation_import"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_category_admin_shows_counts_and_raising_capacity_promotes(client, organizer, event):
    category = make_category(event, name="Đại biểu", capacity=1)
    register(event, category, "A Một", "a@example.com")
    waiting = register(event, category, "B Hai", "b@example.com")
    listing = client.get(reverse("wagtailsnippets_events_attendeecategory:list"))
    assert listing.status_code == 200
    edit = reverse("wagtailsnippets_events_attendeecategory:edit", args=[category.pk])
    response = client.post(
        edit,
        {
            "event": event.pk,
            "name": "Đại biểu",
            "slug": category.slug,
            "capacity": 2,
            "is_public": "on",
            "badge_colour": "#0b4f8a",
            "sort_order": 0,
        },
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_deleting_a_confirmed_registration_gives_its_seat_to_the_waitlist(client, organizer, event):
    category = make_category(event, capacity=1)
    seated = register(event, category, "A Một", "a@example.com")
    waiting = register(event, category, "B Hai", "b@example.com")
    url = reverse("wagtailsnippets_events_registration:delete", args=[seated.pk])
    assert client.post(url).status_code == 302
    assert not Registration.objects.filter(pk=seated.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_bulk_delete_also_gives_the_seats_to_the_waitlist(client, organizer, event):
    category = make_category(event, capacity=1)
    seated = register(event, category, "A Một", "a@example.com")
    waiting = register(event, category, "B Hai", "b@example.com")
    url = reverse("wagtail_bulk_action", args=["events", "registration", "delete"])
    assert client.post(f"{url}?id={seated.pk}").status_code == 302
    waiting.refresh_from_db()
    assert not Registration.objects.filter(pk=seated.pk).exists()
    assert waiting.status == S.CONFIRMED


def test_raising_the_event_capacity_in_the_admin_seats_the_waitlist(client, organizer):
    event = make_event(capacity=1)
    category = make_category(event, name="Đại biểu")
    register(event, category, "A Một", "a@example.com")
    waiting = register(event, category, "B Hai", "b@example.com")
    assert waiting.status == S.WAITLISTED
    local = timezone.localtime
    response = client.post(
        reverse("wagtailsnippets_events_event:edit", args=[event.pk]),
        {
            "name": event.name,
            "slug": event.slug,
            "theme": event.theme,
            "starts_at": local(event.starts_at).strftime("%Y-%m-%d %H:%M"),
            "ends_at": local(event.ends_at).strftime("%Y-%m-%d %H:%M"),
            "venue": event.venue,
            "venue_address": event.venue_address,
            "map_url": "",
            "organizer": event.organizer,
            "contact_email": event.contact_email,
            "capacity": 2,
            "registration_opens_at": "",
            "registration_closes_at": "",
            "retention_days": 180,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_a_badge_batch_prints_confirmed_seats_only(settings, tmp_path, event):
    from events.services import registration_cancel
    from events.services.badges import badge_batch_build, badge_batch_create

    settings.MEDIA_ROOT = tmp_path / "media"
    category = make_category(event, name="Đại biểu", capacity=2)
    seated = [register(event, category, f"Trần Thị {n}", f"t{n}@example.com") for n in range(2)]
    waiting = register(event, category, "Lê Chờ", "cho@example.com")
    assert waiting.status == S.WAITLISTED
    batch = badge_batch_create(event=event, registrations=[seated[1], waiting, seated[0]])
    assert batch.registration_ids == [seated[1].pk, seated[0].pk]  # in the order chosen
    registration_cancel(registration=seated[1])  # after the batch was queued: seat goes on
    assert badge_batch_build(batch_id=batch.pk) == "done"
    batch.refresh_from_db()
    pdf = batch.file.read()
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED  # promoted to the freed seat, but not in this batch
    assert pdf_qr_tokens(pdf, tmp_path) == [seated[0].token]


# --- Retrying badge sheets ------------------------------------------------------------------


def failed_batch(event, n=5) -> BadgeBatch:
    category = make_category(event, name="Báo chí")
    for i in range(n):
        register(event, category, f"Lê Văn {i}", f"retry{i}@example.com")
    batch = badge_batch_create(event=event, category=category)
    BadgeBatch.objects.filter(pk=batch.pk).update(
        status=BadgeBatch.Status.FAILED, error="WeasyPrint: out of memory", attempts=1
    )
    return batch


def test_a_failed_badge_sheet_is_built_again_from_the_admin_and_logged(
    client, organizer, event, tmp_path, django_capture_on_commit_callbacks, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    batch = failed_batch(event)
    page = client.get(reverse("events_badge_batch", args=[batch.pk])).content.decode()
    retry_url = reverse("events_badge_batch_retry", args=[batch.pk])
    assert f'action="{retry_url}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)
    assert response.url == reverse("events_badge_batch", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.error, batch.attempts) == ("done", 5, "", 2)
    with batch.file.open("rb") as file:
        assert len(PdfReader(io.BytesIO(file.read())).pages) == 2
    entry = ActivityEntry.objects.get(action="badge_batch.retried")
    assert (entry.actor_user, entry.event_id, entry.changes) == (
        organizer,
        event.pk,
        {"status": ["failed", "queued"]},
    )
    # Done now: nothing to retry, and a retry is refused with the reason.
    assert f'action="{retry_url}"' not in client.get(response.url).content.decode()
    refused = client.post(retry_url, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Chỉ có thể tạo lại tờ in thẻ bị lỗi hoặc bị dừng giữa chừng."
    ]
    assert ActivityEntry.objects.filter(action="badge_batch.retried").count() == 1


def test_a_stuck_badge_sheet_can_be_retried_but_not_one_still_building(
    client, organizer, event, tmp_path, django_capture_on_commit_callbacks, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    batch = failed_batch(event, n=2)
    building = {"status": BadgeBatch.Status.RUNNING, "lease_owner": "w1", "done": 1}
    live = timezone.now() + dt.timedelta(minutes=2)
    BadgeBatch.objects.filter(pk=batch.pk).update(**building, lease_until=live)
    retry_url = reverse("events_badge_batch_retry", args=[batch.pk])
    assert (
        f'action="{retry_url}"'
        not in client.get(reverse("events_badge_batch", args=[batch.pk])).content.decode()
    )
    with pytest.raises(BadgeBatchNotRetryable):
        badge_batch_retry(batch=batch, by=organizer)
    lapsed = timezone.now() - dt.timedelta(seconds=1)
    BadgeBatch.objects.filter(pk=batch.pk).update(lease_until=lapsed)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry_url)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.lease_owner) == ("done", 2, "")


def test_retrying_badge_sheets_needs_the_registration_permission(client, event):
    batch = failed_batch(event)
    clerk = get_user_model().objects.create_user("clerk", password="pw")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    clerk.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(clerk)
    assert client.get(reverse("events_badge_batch", args=[batch.pk]))["Location"] == "/admin/"
    refused = client.post(reverse("events_badge_batch_retry", args=[batch.pk]))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail: refused
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.error) == (
        "failed",
        1,
        "WeasyPrint: out of memory",
    )
    assert not ActivityEntry.objects.filter(action="badge_batch.retried").exists()
