"""Receipts (exhibitors/services/invoices.py, exhibitors/invoices.py) and the e-invoice export
(exhibitors/einvoice.py): issued once when a booking becomes paid, numbered per event in their
own series, the PDF read back with pdftotext (exact Vietnamese), downloads, the export's
columns."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission

from exhibitors.einvoice import COLUMNS
from exhibitors.invoices import receipt_render_pdf
from exhibitors.models import InvoiceSequence, Receipt
from exhibitors.services import payment_record, payment_refund
from tests.factories.exhibitors import BANK, INVOICE, make_approved_booking, make_user, user_of
from tests.factories.pdfcheck import pdf_check
from tests.factories.vietqr import pdf_text

TOTAL = 18_430_000


@pytest.fixture
def booking(priced, booths, exhibitor, organizer):
    return make_approved_booking(
        priced, booths[1], exhibitor, by=organizer, extras=["power", "screen"]
    )


@pytest.fixture
def paid(booking, organizer):
    payment_record(
        booking=booking,
        amount_vnd=10_000_000,
        by=organizer,
        received_on=dt.date(2026, 12, 1),
        reference="CT DEN FH chuyển khoản đợt 1",
    )
    payment_record(
        booking=booking, amount_vnd=8_430_000, by=organizer, received_on=dt.date(2026, 12, 5)
    )
    booking.refresh_from_db()
    return booking


def test_receipts_have_their_own_series_per_event(paid, booths, exhibitor, organizer):
    second = make_approved_booking(paid.event, booths[2], exhibitor, by=organizer)
    payment_record(booking=second, amount_vnd=12_960_000, by=organizer)
    numbers = list(Receipt.objects.order_by("number").values_list("number", "booking_id"))
    assert numbers == [(1, paid.pk), (2, second.pk)]
    assert InvoiceSequence.objects.get(event=paid.event, kind="receipt").last_number == 2
    assert InvoiceSequence.objects.get(event=paid.event, kind="proforma").last_number == 2
    assert str(Receipt.objects.get(number=2)) == "RC-00002"


def test_receipt_pdf_reads_back_in_exact_vietnamese(paid):
    receipt = paid.receipts.get()
    pdf = receipt_render_pdf(receipt=receipt, language="vi")
    report = pdf_check(pdf)
    assert report.pages == 1
    assert report.info["Title"] == "Phiếu thu RC-00001"
    assert report.info["Author"] == BANK["seller_name"]
    text = pdf_text(pdf)
    for expected in (
        "PHIẾU THU",
        "Số RC-00001",
        f"Nội dung chuyển khoản: FH{paid.pk:06d}",
        "BÊN BÁN",
        "Công ty TNHH Tổ chức Diễn đàn Việt",
        "Mã số thuế: 0100109106",
        "BÊN MUA",
        INVOICE["invoice_company"],
        "Địa chỉ: 18 Hoàng Diệu, Hải Phòng",
        "Gian hàng A02 (Tiêu chuẩn, 3 × 3 m)",
        "Điện bổ sung (3 kW)",
        "Màn hình 55 inch",
        "Thuế GTGT 8%",
        "Thuế GTGT 10%",
        "18.430.000 ₫",
        "Số tiền bằng chữ: Mười tám triệu bốn trăm ba mươi nghìn đồng",
        "Các khoản đã nhận",
        "01/12/2026",
        "Ghi nhận thủ công",
        "CT DEN FH chuyển khoản đợt 1",
        "10.000.000 ₫",
        "05/12/2026",
        "8.430.000 ₫",
        "Tổng số đã nhận",
        "Số đã nhận bằng chữ: Mười tám triệu bốn trăm ba mươi nghìn đồng",
        "đây không phải hóa đơn GTGT",
    ):
        assert expected in text, expected


def test_members_and_organizers_download_it_strangers_do_not(client, paid, organizer):
    client.force_login(user_of(paid.exhibitor))
    page = client.get(f"/exhibitor/bookings/{paid.pk}/").content.decode()
    url = f"/exhibitor/bookings/{paid.pk}/receipt.pdf"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="receipt-RC-00001.pdf"'
    assert "PHIẾU THU" in pdf_text(response.content)
    client.force_login(organizer)
    admin_page = client.get(f"/admin/exhibition/bookings/{paid.pk}/decide/").content.decode()
    admin_url = f"/admin/exhibition/bookings/{paid.pk}/receipt.pdf"
    assert f'href="{admin_url}"' in admin_page
    assert client.get(admin_url)["Content-Type"] == "application/pdf"
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get(admin_url).status_code in (302, 403)


def test_no_receipt_before_the_booking_is_paid(client, booking, organizer):
    payment_record(booking=booking, amount_vnd=1_000_000, by=organizer)
    assert not Receipt.objects.exists()
    client.force_login(user_of(booking.exhibitor))
    assert client.get(f"/exhibitor/bookings/{booking.pk}/receipt.pdf").status_code == 404


def test_einvoice_export_has_the_providers_columns(client, paid, booking, organizer):
    client.force_login(organizer)
    response = client.get(
        "/admin/exhibition/payments/einvoices/", {"event": paid.event_id, "export": "csv"}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == [heading for _key, heading in COLUMNS]
    assert rows[0][:10] == [
        "Mã chứng từ",
        "Ngày chứng từ",
        "Tên đơn vị mua hàng",
        "Họ tên người mua hàng",
        "Mã số thuế",
        "Địa chỉ",
        "Email nhận hóa đơn",
        "Hình thức thanh toán",
        "Loại tiền",
        "Tỷ giá",
    ]
    lines = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [
        (x["STT dòng"], x["Tên hàng hóa, dịch vụ"], x["Đơn vị tính"], x["Đơn giá"]) for x in lines
    ] == [
        ("1", "Gian hàng A02 (Tiêu chuẩn, 3 × 3 m)", "Gian", "12000000"),
        ("2", "Điện bổ sung (3 kW)", "Gói", "1500000"),
        ("3", "Màn hình 55 inch", "Gói", "3500000"),
    ]
    first = lines[0]
    assert (first["Mã chứng từ"], first["Mã số thuế"], first["Email nhận hóa đơn"]) == (
        "RC-00001",
        INVOICE["invoice_tax_code"],
        INVOICE["invoice_email"],
    )
    assert (first["Hình thức thanh toán"], first["Loại tiền"], first["Tỷ giá"]) == (
        "TM/CK",
        "VND",
        "1",
    )
    assert (first["Thuế suất GTGT"], first["Tiền thuế GTGT"], first["Thành tiền"]) == (
        "8%",
        "960000",
        "12000000",
    )
    assert {x["Tổng tiền thanh toán"] for x in lines} == {str(TOTAL)}
    assert lines[2]["Thuế suất GTGT"] == "10%"


def test_einvoice_export_leaves_out_unpaid_and_refunded_bookings(client, paid, organizer):
    client.force_login(organizer)
    url = "/admin/exhibition/payments/einvoices/"
    payment_refund(booking=paid, by=organizer, reason="hủy")
    body = b"".join(
        client.get(url, {"event": paid.event_id, "export": "csv"}).streaming_content
    ).decode()
    assert len(body.strip().splitlines()) == 1  # the headings only
    assert client.get(url, {"event": "x", "export": "csv"}).status_code == 200  # the form again
