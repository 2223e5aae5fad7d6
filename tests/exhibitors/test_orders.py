"""What an approved booking owes (exhibitors/orders.py), its payment status and the organizer's
"mark paid" (exhibitors/services/payments.py), on the booking page and in the admin."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from core.activity import ActivityEntry
from core.pdf import render_html_to_pdf
from exhibitors.enums import BookingStatus, PaymentStatus
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import BoothBooking, ExtraOption
from exhibitors.orders import booking_order
from exhibitors.services import (
    booking_cancel,
    booking_mark_paid,
    booking_request,
    booth_hold,
    exhibition_settings_update,
    extra_price_set,
)
from exhibitors.services.payments import NotAwaitingPayment
from tests.factories.exhibitors import INVOICE, make_approved_booking, make_user, user_of
from tests.factories.vietqr import check_vietqr, pdf_qr_codes


@pytest.fixture
def booking(priced, booths, exhibitor, organizer):
    # booths[1]: standard, 12 000 000 ₫ before VAT.
    return make_approved_booking(
        priced, booths[1], exhibitor, by=organizer, extras=["power", "screen", "internet"]
    )


def test_order_lines_vat_per_line_and_totals(booking):
    with translation.override("vi"):
        order = booking_order(booking)
        labels = [line.label for line in order.lines]
    assert labels == [
        "Gian hàng A02 (Tiêu chuẩn, 3 × 3 m)",
        "Điện bổ sung (3 kW)",
        "Màn hình 55 inch",
        "Đường truyền internet riêng",
    ]
    assert [(line.net, line.vat_rate, line.vat, line.gross) for line in order.lines] == [
        (12_000_000, 8, 960_000, 12_960_000),
        (1_500_000, 8, 120_000, 1_620_000),
        (3_500_000, 10, 350_000, 3_850_000),
        (0, 8, 0, 0),  # internet has no price at this event
    ]
    assert (order.net, order.vat, order.total) == (17_000_000, 1_430_000, 18_430_000)
    assert order.vat_by_rate == [(8, 13_500_000, 1_080_000), (10, 3_500_000, 350_000)]


def test_vat_is_rounded_half_up_per_line(event, booths, exhibitor, organizer):
    extra_price_set(event=event, code="power", price_vnd=1_050, vat_rate=10)  # 105 ₫
    extra_price_set(event=event, code="screen", price_vnd=1_049, vat_rate=10)  # 104.9 ₫
    exhibition_settings_update(event=event, booth_vat_rate=0)
    booking = make_approved_booking(
        event, booths[1], exhibitor, by=organizer, extras=["power", "screen"]
    )
    assert [line.vat for line in booking_order(booking).lines] == [0, 105, 105]


def test_extra_price_set_logs_only_changes_and_refuses_an_unknown_extra(event, organizer):
    extra_price_set(event=event, code="power", price_vnd=1_000_000, vat_rate=8, by=organizer)
    extra_price_set(event=event, code="power", price_vnd=1_000_000, vat_rate=8, by=organizer)
    extra_price_set(event=event, code="power", price_vnd=1_200_000, vat_rate=8, by=organizer)
    entries = ActivityEntry.objects.filter(action="extra.priced").order_by("pk")
    assert [e.changes for e in entries] == [
        {"price_vnd": [None, 1_000_000], "vat_rate": [None, 8]},
        {"price_vnd": [1_000_000, 1_200_000]},
    ]
    assert ExtraOption.objects.get(event=event, code="power").price_vnd == 1_200_000
    with pytest.raises(ExhibitorsError) as caught:
        extra_price_set(event=event, code="piano", price_vnd=1, vat_rate=8)
    assert caught.value.code == "invalid_extra"
    with translation.override("vi"):
        assert str(caught.value.message) == "Dịch vụ thêm không hợp lệ."


def test_approval_makes_an_order_awaiting_payment(booking):
    assert booking.payment_status == PaymentStatus.AWAITING


def test_a_booking_not_approved_owes_nothing_yet(priced, booths, exhibitor):
    held = booth_hold(event=priced, booth=booths[2], exhibitor=exhibitor)
    requested = booking_request(booking=held, **INVOICE)
    assert requested.payment_status == PaymentStatus.NONE
    with pytest.raises(NotAwaitingPayment):
        booking_mark_paid(booking=requested, by=None)


def test_mark_paid_by_an_organizer_is_logged(booking, organizer):
    paid = booking_mark_paid(booking=booking, by=organizer, reason="VCB FT2430012345")
    paid.refresh_from_db()
    assert (paid.payment_status, paid.paid_by) == (PaymentStatus.PAID, organizer)
    assert paid.paid_at is not None
    entry = ActivityEntry.objects.get(action="booking.paid")
    assert (entry.actor_user, entry.reason, entry.object_id) == (
        organizer,
        "VCB FT2430012345",
        str(booking.pk),
    )
    assert entry.changes == {
        "payment_status": ["awaiting", "paid"],
        "paid_vnd": [0, 18_430_000],  # a manual payment of the whole order
    }


def test_mark_paid_twice_is_refused_and_changes_nothing(booking, organizer):
    booking_mark_paid(booking=booking, by=organizer)
    paid_at = BoothBooking.objects.get(pk=booking.pk).paid_at
    with pytest.raises(NotAwaitingPayment) as caught:
        booking_mark_paid(booking=booking, by=organizer)
    assert caught.value.code == "not_awaiting_payment"
    assert BoothBooking.objects.get(pk=booking.pk).paid_at == paid_at
    assert ActivityEntry.objects.filter(action="booking.paid").count() == 1


def test_cancelling_an_unpaid_order_cancels_its_payment_but_a_paid_one_stays_paid(
    booking, priced, booths, exhibitor, organizer
):
    booking_cancel(booking=booking, by=organizer)
    booking.refresh_from_db()
    assert booking.payment_status == PaymentStatus.CANCELLED
    with pytest.raises(NotAwaitingPayment):
        booking_mark_paid(booking=booking, by=organizer)
    other = make_approved_booking(priced, booths[3], exhibitor, by=organizer)
    booking_mark_paid(booking=other, by=organizer)
    booking_cancel(booking=other, by=organizer)
    other.refresh_from_db()
    assert (other.status, other.payment_status) == (BookingStatus.CANCELLED, PaymentStatus.PAID)


def test_booking_page_shows_what_is_due_the_qr_and_the_transfer_in_words(client, booking):
    client.force_login(user_of(booking.exhibitor))
    html = client.get(f"/exhibitor/bookings/{booking.pk}/").content.decode()
    assert "Chờ thanh toán" in html
    assert "18.430.000 ₫" in html
    assert "Mười tám triệu bốn trăm ba mươi nghìn đồng" in html
    assert "Vietcombank · BIN 970436" in html
    assert "0011004455667" in html
    assert f"<strong>FH{booking.pk:06d}</strong>" in html
    assert html.count("<svg") >= 1 and "Quét bằng ứng dụng ngân hàng (VietQR)" in html
    english = client.get(f"/en/exhibitor/bookings/{booking.pk}/").content.decode()
    assert "Awaiting payment" in english and "18,430,000 ₫" in english
    assert "Scan with your banking app (VietQR)" in english


def test_booking_page_without_bank_details_says_so_and_shows_no_qr(client, booking):
    exhibition_settings_update(event=booking.event, bank_bin="", bank_account_number="")
    client.force_login(user_of(booking.exhibitor))
    html = client.get(f"/en/exhibitor/bookings/{booking.pk}/").content.decode()
    assert "has not set the bank account for payments yet" in html
    assert "Scan with your banking app" not in html
    assert "18,430,000 ₫" in html


def test_organizer_marks_paid_on_the_decision_page(client, booking, organizer):
    client.force_login(organizer)
    url = f"/admin/exhibition/bookings/{booking.pk}/decide/"
    page = client.get(url).content.decode()
    assert "Xác nhận đã thanh toán" in page
    assert f"mã thanh toán FH{booking.pk:06d}" in page
    response = client.post(url, {"action": "mark_paid", "reason": "FT123"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Đã xác nhận lượt đặt gian hàng được thanh toán."
    ]
    booking.refresh_from_db()
    assert booking.payment_status == PaymentStatus.PAID
    again = client.post(url, {"action": "mark_paid"}, follow=True)
    messages = [str(m) for m in again.context["messages"]]
    assert messages == ["Lượt đặt gian hàng này không chờ thanh toán."]
    assert ActivityEntry.objects.filter(action="booking.paid").count() == 1


def test_who_may_only_view_bookings_cannot_mark_paid(client, booking):
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_boothbooking"),
    )
    client.force_login(viewer)
    url = f"/admin/exhibition/bookings/{booking.pk}/decide/"
    assert 'value="mark_paid"' not in client.get(url).content.decode()
    assert client.post(url, {"action": "mark_paid"}).status_code in (302, 403)
    booking.refresh_from_db()
    assert booking.payment_status == PaymentStatus.AWAITING


def test_admin_extras_list_shows_prices(client, priced, organizer):
    client.force_login(organizer)
    html = client.get("/admin/exhibition/extras/").content.decode()
    assert re.search(r"1[.,]500[.,]000 ₫", html)


def test_the_qr_on_the_booking_page_decodes_to_what_is_due(client, booking):
    client.force_login(user_of(booking.exhibitor))
    html = client.get(f"/exhibitor/bookings/{booking.pk}/").content.decode()
    svgs = re.findall(r'<svg[^>]*class="segno".*?</svg>', html, flags=re.S)
    assert len(svgs) == 1
    # The page's own SVG, drawn by WeasyPrint and poppler, read by zxing-cpp.
    pdf = render_html_to_pdf(f'<html lang="vi"><body style="width:60mm">{svgs[0]}</body></html>')
    codes = pdf_qr_codes(pdf)
    assert len(codes) == 1
    fields = check_vietqr(codes[0])
    assert fields["38"]["01"] == {"00": "970436", "01": "0011004455667"}
    assert (fields["53"], fields["54"]) == ("704", "18430000")
    assert fields["62"] == {"08": f"FH{booking.pk:06d}"}


def test_organizers_set_the_bank_account_and_price_extras_in_the_admin(client, event, organizer):
    client.force_login(organizer)
    rules = exhibition_settings_update(event=event)
    form = client.get(f"/admin/exhibition/settings/edit/{rules.pk}/").content.decode()
    for name in ("bank_bin", "bank_account_number", "seller_tax_code", "booth_vat_rate"):
        assert f'name="{name}"' in form
    response = client.post(
        "/admin/exhibition/extras/new/",
        {"event": event.pk, "code": "internet", "price_vnd": "2000000", "vat_rate": "10"},
    )
    assert response.status_code == 302
    option = ExtraOption.objects.get(event=event, code="internet")
    assert (option.price_vnd, option.vat_rate) == (2_000_000, 10)
    refused = client.post(
        "/admin/exhibition/extras/new/",
        {"event": event.pk, "code": "power", "price_vnd": "1", "vat_rate": "101"},
    )
    assert refused.status_code == 200
    assert not ExtraOption.objects.filter(event=event, code="power").exists()
