"""The organizer's side in the Wagtail admin: occupancy, decisions, moves, blocks, exports."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from openpyxl import load_workbook

from exhibitors.enums import BookingStatus
from exhibitors.models import Booth, BoothBooking
from exhibitors.services import booking_request, booth_hold
from exhibitors.services.bookings import BOOTH_FIELDS
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_exhibitor, make_user


@pytest.fixture
def admin_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def requested(event, booths, exhibitor):
    return booking_request(
        booking=booth_hold(event=event, booth=booths[1], exhibitor=exhibitor), **INVOICE
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_overview_shows_occupancy_revenue_and_pending_first(
    admin_client, event, booths, requested, other_exhibitor, organizer
):
    third = make_exhibitor("Công ty Ba")
    approved = booking_request(
        booking=booth_hold(event=event, booth=booths[0], exhibitor=third), **INVOICE
    )
    admin_client.post(f"/admin/exhibition/bookings/{approved.pk}/decide/", {"action": "approve"})
    held = booth_hold(event=event, booth=booths[2], exhibitor=other_exhibitor)
    response = admin_client.get("/admin/exhibition/")
    assert response.status_code == 200
    html = response.content.decode()
    counts = dict(
        re.findall(r'<tr data-state="(\w+)"><th scope="row">.*?</th><td>(\d+)</td>', html)
    )
    assert counts == {
        "available": "2",
        "held": "1",
        "requested": "1",
        "booked": "1",
        "blocked": "0",
    }
    assert "Doanh thu dự kiến (đặt chỗ đã phê duyệt): <strong>15.000.000 ₫</strong>" in html
    assert "Đang chờ (đã gửi yêu cầu và đang giữ chỗ): <strong>24.000.000 ₫</strong>" in html
    pending = re.findall(r'/admin/exhibition/bookings/(\d+)/decide/">(A\d+)<', html)
    assert pending == [(str(requested.pk), "A02"), (str(held.pk), "A03")]


def test_booking_list_puts_requests_first(admin_client, event, booths, requested, other_exhibitor):
    held = booth_hold(event=event, booth=booths[3], exhibitor=other_exhibitor)
    response = admin_client.get("/admin/exhibition/bookings/")
    assert response.status_code == 200
    html = response.content.decode()
    links = re.findall(r'href="/admin/exhibition/bookings/(\d+)/decide/"', html)
    assert list(dict.fromkeys(links)) == [str(requested.pk), str(held.pk)]
    assert "12.000.000 ₫" in html


def test_organizer_approves_and_the_exhibitor_is_emailed(
    admin_client, requested, organizer, django_capture_on_commit_callbacks
):
    url = f"/admin/exhibition/bookings/{requested.pk}/decide/"
    html = admin_client.get(url).content.decode()
    assert 'data-status="requested"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"action": "approve"}, follow=True)
    assert messages_of(response) == ["Đã phê duyệt đặt gian hàng."]
    requested.refresh_from_db()
    assert (requested.status, requested.decided_by) == (BookingStatus.APPROVED, organizer)
    due = requested.payment_due.strftime("%d/%m/%Y")
    assert [m.subject for m in mail.outbox] == [
        "Gian hàng A02 đã được xác nhận",
        f"Gian hàng A02: vui lòng thanh toán 12.960.000 ₫ chậm nhất ngày {due}",
    ]


def test_reject_without_a_reason_changes_nothing(admin_client, requested):
    url = f"/admin/exhibition/bookings/{requested.pk}/decide/"
    response = admin_client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 400
    requested.refresh_from_db()
    assert requested.status == BookingStatus.REQUESTED
    admin_client.post(url, {"action": "reject", "reason": "Trùng lĩnh vực trưng bày"})
    requested.refresh_from_db()
    assert (requested.status, requested.reason) == ("rejected", "Trùng lĩnh vực trưng bày")


def test_approve_twice_gives_a_clear_message(admin_client, requested):
    url = f"/admin/exhibition/bookings/{requested.pk}/decide/"
    admin_client.post(url, {"action": "approve"})
    response = admin_client.post(url, {"action": "approve"}, follow=True)
    assert messages_of(response)[-1] == (
        "Không thể thay đổi đặt gian hàng này như vậy ở trạng thái hiện tại."
    )
    response = admin_client.post(url, {"action": "explode"}, follow=True)
    assert response.status_code == 200


def test_move_in_one_step_from_the_admin(admin_client, requested, booths, other_exhibitor, event):
    booth_hold(event=event, booth=booths[2], exhibitor=other_exhibitor)
    url = f"/admin/exhibition/bookings/{requested.pk}/decide/"
    html = admin_client.get(url).content.decode()
    choices = re.findall(r'<option value="(\d+)">(A\d+)</option>', html)
    assert [code for _pk, code in choices] == ["A01", "A04", "A05"]  # free booths only
    response = admin_client.post(url, {"action": "move", "to_booth": booths[2].pk})
    assert response.status_code == 400  # taken: not a choice
    response = admin_client.post(url, {"action": "move", "to_booth": booths[4].pk}, follow=True)
    assert messages_of(response) == ["Đã chuyển sang gian hàng A05."]
    requested.refresh_from_db()
    assert (requested.booth, requested.status) == (booths[4], BookingStatus.REQUESTED)


def test_organizer_cancels(admin_client, requested):
    url = f"/admin/exhibition/bookings/{requested.pk}/decide/"
    admin_client.post(url, {"action": "cancel", "reason": "Không thanh toán"})
    requested.refresh_from_db()
    assert (requested.status, requested.reason) == ("cancelled", "Không thanh toán")
    assert requested.transitions.last().reason == "Không thanh toán"


def test_block_and_release_a_booth(admin_client, booths, requested):
    url = f"/admin/exhibition/booths/{booths[0].pk}/block/"
    response = admin_client.post(url, {"reason": "Nhà tài trợ Kim cương"})
    assert response.status_code == 302
    booths[0].refresh_from_db()
    assert (booths[0].blocked, booths[0].blocked_reason) == (True, "Nhà tài trợ Kim cương")
    admin_client.post(url, {"action": "unblock"})
    booths[0].refresh_from_db()
    assert booths[0].blocked is False
    response = admin_client.post(
        f"/admin/exhibition/booths/{booths[1].pk}/block/", {"reason": "Sponsor"}
    )
    assert response.status_code == 400
    assert "Gian hàng này đang có người đặt" in response.content.decode()
    assert Booth.objects.get(pk=booths[1].pk).blocked is False


def test_booth_list_shows_states_and_offers_reserve(admin_client, booths, requested):
    html = admin_client.get("/admin/exhibition/booths/").content.decode()
    assert "Chờ phê duyệt" in html
    assert f"/admin/exhibition/booths/{booths[0].pk}/block/" in html


def test_no_add_or_delete_of_bookings_in_the_admin(admin_client, requested):
    assert admin_client.get("/admin/exhibition/bookings/new/").status_code == 302
    assert admin_client.get(f"/admin/exhibition/bookings/delete/{requested.pk}/").status_code == 302
    assert BoothBooking.objects.count() == 1


def test_bookings_export_csv_and_xlsx(admin_client, requested, event):
    response = admin_client.get(f"/admin/exhibition/bookings/?event={event.pk}&export=csv")
    assert response.status_code == 200
    content = (
        b"".join(response.streaming_content).decode("utf-8-sig")
        if response.streaming
        else (response.content.decode("utf-8-sig"))
    )
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:7] == [
        "Sự kiện",
        "Gian hàng",
        "Hạng",
        "Đơn vị trưng bày",
        "Mã số thuế",
        "Trạng thái",
        "Giá (VND)",
    ]
    assert rows[1][:7] == [
        "Expo 2024",
        "A02",
        "Tiêu chuẩn",
        "Công ty Cổ phần Dữ liệu Hải Phòng",
        requested.exhibitor.tax_code,
        "Đã gửi yêu cầu",
        "12000000",
    ]
    response = admin_client.get("/admin/exhibition/bookings/?export=xlsx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[2]][:2] == ["Expo 2024", "A02"]
    assert sheet.max_row == 2


def test_exhibitors_export(admin_client, exhibitor, other_exhibitor):
    response = admin_client.get("/admin/exhibition/exhibitors/?export=csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    names = sorted(row[0] for row in rows[1:])
    assert names == ["Công ty Cổ phần Dữ liệu Hải Phòng", "Công ty TNHH Đối Thủ"]


def test_staff_without_the_change_permission_cannot_decide(client, requested):
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_boothbooking"),
    )
    client.force_login(viewer)
    url = f"/admin/exhibition/bookings/{requested.pk}/decide/"
    html = client.get(url).content.decode()
    assert 'name="action" value="approve"' not in html
    response = client.post(url, {"action": "approve"})
    assert response.status_code in (302, 403)
    requested.refresh_from_db()
    assert requested.status == BookingStatus.REQUESTED


def test_admin_booking_edit_checks_the_invoice_tax_code(admin_client, requested):
    url = f"/admin/exhibition/bookings/edit/{requested.pk}/"
    form = {
        "invoice_company": "Công ty Mới",
        "invoice_tax_code": "0100109107",  # wrong check digit
        "invoice_address": "1 Lạch Tray, Hải Phòng",
        "invoice_email": "hoadon@example.com",
        "notes": "",
    }
    field = admin_client.get(url).context["form"].fields["invoice_tax_code"]
    # The model's rules (optional, 14 characters without the spaces people may type):
    assert (field.required, field.max_length, field.widget.attrs["maxlength"]) == (False, 14, "20")
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "invoice_tax_code": [
            "Chữ số kiểm tra (chữ số thứ 10) của mã số thuế này không đúng: vui lòng kiểm tra "
            "lại xem có gõ nhầm không."
        ]
    }
    requested.refresh_from_db()
    assert (requested.invoice_company, requested.invoice_tax_code) == (
        "Công ty Cổ phần Dữ liệu Hải Phòng",
        "0100109106",
    )
    response = admin_client.post(url, {**form, "invoice_tax_code": "0100109106 - 001"})
    assert response.status_code == 302
    requested.refresh_from_db()
    assert (requested.invoice_company, requested.invoice_tax_code) == (
        "Công ty Mới",
        "0100109106-001",
    )


def booth_form(booth, **changes) -> dict:
    """The admin's booth form as it comes filled in, with ``changes``."""
    form = {name: getattr(booth, name) for name in ["code", *BOOTH_FIELDS]}
    form["event"] = booth.event_id
    form.update(changes)
    return {
        name: ("on" if value is True else value)
        for name, value in form.items()
        if value is not False
    }


@pytest.mark.parametrize(
    "change", [{"price_vnd": 9_000_000}, {"code": "A99"}], ids=["price", "code"]
)
def test_admin_cannot_change_the_price_or_code_of_a_booked_booth(
    admin_client, requested, booths, change
):
    booth = booths[1]
    url = f"/admin/exhibition/booths/edit/{booth.pk}/"
    response = admin_client.post(url, booth_form(booth, **change))
    assert response.status_code == 200
    message = (
        "Gian hàng này đang có người đặt: sự kiện, mã, hạng và giá của gian hàng được giữ "
        "nguyên như đơn vị trưng bày đã đồng ý. Hãy hủy hoặc chuyển đặt chỗ đó trước."
    )
    assert response.context["form"].non_field_errors() == [message]
    assert message in response.content.decode()
    assert Booth.objects.get(pk=booth.pk).price_vnd == 12_000_000
    assert Booth.objects.get(pk=booth.pk).code == "A02"


def test_admin_edits_a_booked_booths_zone_and_a_free_booths_price(admin_client, requested, booths):
    response = admin_client.post(
        f"/admin/exhibition/booths/edit/{booths[1].pk}/", booth_form(booths[1], zone="Khu B")
    )
    assert response.status_code == 302
    assert Booth.objects.get(pk=booths[1].pk).zone == "Khu B"
    response = admin_client.post(
        f"/admin/exhibition/booths/edit/{booths[2].pk}/",
        booth_form(booths[2], price_vnd=9_000_000, code="A33"),
    )
    assert response.status_code == 302
    assert Booth.objects.get(pk=booths[2].pk).code == "A33"
    assert Booth.objects.get(pk=booths[2].pk).price_vnd == 9_000_000


def test_admin_creates_a_booth(admin_client, event, booths):
    new = Booth(event=event, code="B01", price_vnd=20_000_000, x_m=1, y_m=20)
    response = admin_client.post("/admin/exhibition/booths/new/", booth_form(new))
    assert response.status_code == 302
    assert Booth.objects.get(event=event, code="B01").price_vnd == 20_000_000
