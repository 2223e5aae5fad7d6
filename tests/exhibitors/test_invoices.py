"""Pro-forma invoices (exhibitors/services/invoices.py, exhibitors/invoices.py): numbered per
event without gaps, the PDF checked as readers open it, read back with pdftotext (exact
Vietnamese) and its VietQR decoded with zxing-cpp and parsed field by field."""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from core.activity import ActivityEntry
from exhibitors.exceptions import InvalidTransition
from exhibitors.invoices import proforma_render_pdf
from exhibitors.models import InvoiceSequence, ProformaInvoice
from exhibitors.services import (
    booking_approve,
    booking_move,
    booking_request,
    booth_hold,
    exhibition_settings_update,
    proforma_latest,
    proforma_reissue,
)
from exhibitors.services.invoices import ProformaUpToDate
from tests.factories.exhibitors import (
    BANK,
    INVOICE,
    make_approved_booking,
    make_booths,
    make_event,
    make_exhibitor,
    make_user,
    user_of,
)
from tests.factories.pdfcheck import pdf_check
from tests.factories.vietqr import check_vietqr, pdf_qr_codes, pdf_text


@pytest.fixture
def booking(priced, booths, exhibitor, organizer):
    return make_approved_booking(
        priced, booths[1], exhibitor, by=organizer, extras=["power", "screen"]
    )


def test_approval_issues_the_next_number_of_the_event(priced, booths, exhibitor, organizer):
    first = make_approved_booking(priced, booths[1], exhibitor, by=organizer)
    second = make_approved_booking(priced, booths[2], exhibitor, by=organizer)
    other_event = make_event(slug="expo-2025", name="Expo 2025")
    exhibition_settings_update(event=other_event, booking_open=True)
    elsewhere = make_approved_booking(
        other_event, make_booths(other_event, count=1)[0], make_exhibitor(), by=organizer
    )
    numbers = [(b.pk, b.proforma_invoices.get().display_number) for b in (first, second, elsewhere)]
    assert numbers == [
        (first.pk, "PF-00001"),
        (second.pk, "PF-00002"),
        (elsewhere.pk, "PF-00001"),
    ]
    entry = ActivityEntry.objects.filter(action="proforma.issued").order_by("pk").first()
    assert (entry.actor_user, entry.changes) == (
        organizer,
        {"number": [None, 1], "total_vnd": [None, 12_960_000]},
    )


def test_the_invoice_keeps_what_was_owed_when_issued(booking):
    invoice = booking.proforma_invoices.get()
    assert (invoice.net_vnd, invoice.vat_vnd, invoice.total_vnd) == (
        17_000_000,
        1_430_000,
        18_430_000,
    )
    assert [(line["label_vi"], line["net"], line["vat"]) for line in invoice.lines] == [
        ("Gian hàng A02 (Tiêu chuẩn, 3 × 3 m)", 12_000_000, 960_000),
        ("Điện bổ sung (3 kW)", 1_500_000, 120_000),
        ("Màn hình 55 inch", 3_500_000, 350_000),
    ]
    assert invoice.lines[0]["label_en"] == "Booth A02 (Standard, 3 × 3 m)"
    assert (invoice.seller_name, invoice.seller_tax_code) == (
        BANK["seller_name"],
        BANK["seller_tax_code"],
    )
    assert (invoice.buyer_name, invoice.buyer_tax_code, invoice.buyer_address) == (
        INVOICE["invoice_company"],
        INVOICE["invoice_tax_code"],
        INVOICE["invoice_address"],
    )
    assert invoice.payment_reference == f"FH{booking.pk:06d}"


def test_a_rolled_back_approval_gives_its_number_back(priced, booths, exhibitor, organizer):
    held = booth_hold(event=priced, booth=booths[1], exhibitor=exhibitor)
    requested = booking_request(booking=held, **INVOICE)
    with pytest.raises(RuntimeError), transaction.atomic():
        booking_approve(booking=requested, by=organizer)
        raise RuntimeError("the caller's transaction fails after the approval")
    assert not ProformaInvoice.objects.exists()
    booking_approve(booking=requested, by=organizer)
    assert requested.proforma_invoices.get().number == 1
    assert InvoiceSequence.objects.get(event=priced).last_number == 1


def test_reissue_gives_a_new_number_only_when_the_order_changed(booking, booths, organizer):
    first = booking.proforma_invoices.get()
    with pytest.raises(ProformaUpToDate):
        proforma_reissue(booking=booking, by=organizer)
    moved = booking_move(booking=booking, to_booth=booths[0], by=organizer)  # the corner booth
    assert proforma_latest(moved) == first  # a move alone issues nothing
    again = proforma_reissue(booking=moved, by=organizer)
    assert (again.number, again.total_vnd) == (2, 21_670_000)
    assert proforma_latest(moved) == again
    with pytest.raises(ProformaUpToDate):
        proforma_reissue(booking=moved, by=user_of(booking.exhibitor))
    assert InvoiceSequence.objects.get(event=booking.event, kind="proforma").last_number == 2


def test_downloading_never_issues_and_the_post_does(client, booking, booths, organizer):
    moved = booking_move(booking=booking, to_booth=booths[0], by=organizer)
    client.force_login(user_of(booking.exhibitor))
    url = f"/exhibitor/bookings/{moved.pk}/proforma.pdf"
    for _attempt in range(2):
        response = client.get(url)
        assert response["Content-Disposition"] == 'attachment; filename="proforma-PF-00001.pdf"'
    assert ProformaInvoice.objects.count() == 1
    page = client.get(f"/exhibitor/bookings/{moved.pk}/").content.decode()
    issue_url = f"/exhibitor/bookings/{moved.pk}/proforma/issue/"
    assert f'action="{issue_url}"' in page
    assert client.get(issue_url).status_code == 405
    client.post(issue_url)
    client.post(issue_url)  # a second click: up to date, no number spent
    assert list(ProformaInvoice.objects.values_list("number", flat=True)) == [1, 2]
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="proforma-PF-00002.pdf"'
    page = client.get(f"/exhibitor/bookings/{moved.pk}/").content.decode()
    assert issue_url not in page


def test_organizers_issue_it_from_the_decide_page(client, booking, booths, organizer):
    booking_move(booking=booking, to_booth=booths[0], by=organizer)
    client.force_login(organizer)
    url = f"/admin/exhibition/bookings/{booking.pk}/decide/"
    assert 'value="issue_proforma"' in client.get(url).content.decode()
    client.post(url, {"action": "issue_proforma"})
    assert proforma_latest(booking).number == 2
    assert 'value="issue_proforma"' not in client.get(url).content.decode()


def test_a_booking_that_never_was_an_order_has_no_invoice(client, priced, booths, exhibitor):
    held = booth_hold(event=priced, booth=booths[1], exhibitor=exhibitor)
    with pytest.raises(InvalidTransition):
        proforma_reissue(booking=held, by=None)
    client.force_login(user_of(exhibitor))
    assert client.get(f"/exhibitor/bookings/{held.pk}/proforma.pdf").status_code == 404
    assert not ProformaInvoice.objects.exists()


def test_pdf_passes_the_checks_and_reads_back_in_exact_vietnamese(booking):
    invoice = booking.proforma_invoices.get()
    pdf = proforma_render_pdf(invoice=invoice, language="vi")
    report = pdf_check(pdf)
    assert report.pages == 1
    assert report.info["Title"] == "Hóa đơn tạm tính PF-00001"
    assert report.info["Author"] == BANK["seller_name"]
    assert report.lang == "vi"
    text = pdf_text(pdf)
    for expected in (
        "HÓA ĐƠN TẠM TÍNH",
        "Số PF-00001",
        "BÊN BÁN",
        "Công ty TNHH Tổ chức Diễn đàn Việt",
        "Địa chỉ: 35 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh",
        "Mã số thuế: 0100109106",
        "BÊN MUA",
        "Công ty Cổ phần Dữ liệu Hải Phòng",
        "Địa chỉ: 18 Hoàng Diệu, Hải Phòng",
        "Gian hàng A02 (Tiêu chuẩn, 3 × 3 m)",
        "Điện bổ sung (3 kW)",
        "Màn hình 55 inch",
        "12.000.000 ₫",
        "8% · 960.000 ₫",
        "10% · 350.000 ₫",
        "Cộng tiền hàng chưa thuế",
        "17.000.000 ₫",
        "Thuế GTGT 8%",
        "1.080.000 ₫",
        "Tổng cộng phải thanh toán",
        "18.430.000 ₫",
        "Số tiền bằng chữ: Mười tám triệu bốn trăm ba mươi nghìn đồng",
        "Thanh toán bằng chuyển khoản (VietQR)",
        "Ngân hàng: Vietcombank · BIN 970436",
        "Số tài khoản: 0011004455667",
        "Chủ tài khoản: CONG TY TO CHUC DIEN DAN",
        f"Nội dung chuyển khoản: FH{booking.pk:06d}",
        "không phải hóa đơn GTGT",
    ):
        assert expected in text, expected


def test_the_qr_on_the_pdf_decodes_to_the_invoice_transfer(booking):
    invoice = booking.proforma_invoices.get()
    codes = pdf_qr_codes(proforma_render_pdf(invoice=invoice, language="vi"))
    assert len(codes) == 1
    fields = check_vietqr(codes[0])
    assert (fields["00"], fields["01"]) == ("01", "12")
    assert fields["38"] == {
        "00": "A000000727",
        "01": {"00": "970436", "01": "0011004455667"},
        "02": "QRIBFTTA",
    }
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "18430000", "VN")
    assert fields["62"] == {"08": f"FH{booking.pk:06d}"}


def test_pdf_in_english_keeps_the_amount_in_vietnamese_words(booking):
    pdf = proforma_render_pdf(invoice=booking.proforma_invoices.get(), language="en")
    report = pdf_check(pdf)
    assert (report.info["Title"], report.lang) == ("Pro-forma invoice PF-00001", "en")
    text = pdf_text(pdf)
    assert "PRO-FORMA INVOICE" in text
    assert "Booth A02 (Standard, 3 × 3 m)" in text
    assert "18,430,000 ₫" in text
    assert "Amount in words: Mười tám triệu bốn trăm ba mươi nghìn đồng" in text


def test_pdf_without_bank_details_has_no_qr_and_says_so(booking):
    exhibition_settings_update(event=booking.event, bank_bin="", bank_account_number="")
    booking.event.exhibition_settings.refresh_from_db()
    invoice = ProformaInvoice.objects.select_related("booking__event").get(booking=booking)
    pdf = proforma_render_pdf(invoice=invoice, language="vi")
    assert pdf_qr_codes(pdf) == []
    assert "Ban tổ chức chưa khai báo tài khoản ngân hàng nhận thanh toán." in pdf_text(pdf)


def test_members_of_the_company_download_it_from_their_booking_page(client, booking):
    client.force_login(user_of(booking.exhibitor))
    page = client.get(f"/exhibitor/bookings/{booking.pk}/").content.decode()
    url = f"/exhibitor/bookings/{booking.pk}/proforma.pdf"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="proforma-PF-00001.pdf"'
    assert "HÓA ĐƠN TẠM TÍNH" in pdf_text(response.content)


def test_another_company_and_strangers_cannot_download_it(client, booking, other_exhibitor):
    url = f"/exhibitor/bookings/{booking.pk}/proforma.pdf"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(user_of(other_exhibitor))
    assert client.get(url).status_code == 404


def test_organizers_download_it_from_the_admin(client, booking, organizer):
    client.force_login(organizer)
    page = client.get(f"/admin/exhibition/bookings/{booking.pk}/decide/").content.decode()
    url = f"/admin/exhibition/bookings/{booking.pk}/proforma.pdf"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert client.get(url).status_code in (302, 403)
