"""The "payment due" email of an approved booking (and its reminder and overdue notices): the
amount, the deadline, the transfer in words and as a VietQR PNG read back with zxing-cpp."""

import datetime as dt
import io
from email.header import decode_header, make_header

import pytest
import zxingcpp
from django.conf import settings
from django.core import mail
from django.utils import translation
from PIL import Image

from exhibitors.emails import build_payment_email
from exhibitors.orders import booking_order
from exhibitors.services import booking_cancel, booking_mark_paid, exhibition_settings_update
from exhibitors.services.deadlines import payment_reminders_send, payments_mark_overdue
from mail.models import Email
from tests.exhibitors.test_deadlines import approve, on
from tests.factories.vietqr import check_vietqr

pytestmark = pytest.mark.django_db


def payment_message(booking, kind="booking.payment_due"):
    email = Email.objects.get(kind=kind, object_id=booking.pk)
    with translation.override(email.language):
        return build_payment_email(email)


def qr_of(message) -> str:
    """The text of the VietQR PNG attached (inline) to ``message``, read by zxing-cpp."""
    (image,) = [part for part in message.message().walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<vietqr@forumhall>"
    assert image.get_filename().startswith("VietQR-FH")
    png = image.get_payload(decode=True)
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


def test_approval_emails_the_amount_deadline_and_transfer_in_words_and_as_a_qr(
    priced, booths, exhibitor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = approve(priced, booths[0], exhibitor)
    reference = f"FH{booking.pk:06d}"
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        "Gian hàng A01 đang được giữ cho bạn",
        "Đã gửi yêu cầu đặt gian hàng A01",
        "Gian hàng A01 đã được xác nhận",
        "Gian hàng A01: vui lòng thanh toán 16.200.000 ₫ chậm nhất ngày 14/12/2026",
    ]
    message = mail.outbox[-1]
    assert message.to == [exhibitor.contact_email]
    lines = message.body.splitlines()
    assert lines[:11] == [
        "Kính gửi Công ty Cổ phần Dữ liệu Hải Phòng,",
        "",
        "Đơn đặt gian hàng A01 tại Expo 2024 đã được duyệt. Vui lòng thanh toán "
        "16.200.000 ₫ chậm nhất ngày 14/12/2026.",
        "",
        "Quét mã VietQR đính kèm bằng ứng dụng ngân hàng, hoặc chuyển khoản theo thông tin sau:",
        "Ngân hàng: Vietcombank · BIN 970436",
        "Số tài khoản: 0011004455667",
        "Chủ tài khoản: CONG TY TO CHUC DIEN DAN",
        "Số tiền: 16.200.000 ₫ (Mười sáu triệu hai trăm nghìn đồng)",
        f"Nội dung chuyển khoản: {reference}",
        "",
    ]
    url = f"{settings.BASE_URL.rstrip('/')}/exhibitor/bookings/{booking.pk}/"
    assert lines[11:13] == [
        f"Hóa đơn tạm tính (PDF): {url}proforma.pdf",
        f"Xem đặt gian hàng: {url}",
    ]
    # The QR says the same: the amount in đồng (704), to the account, with the reference.
    fields = check_vietqr(qr_of(message))
    assert fields["54"] == "16200000" == str(booking_order(booking).total)
    assert fields["53"] == "704"
    assert fields["62"] == {"08": reference}
    assert fields["38"]["01"] == {"00": "970436", "01": "0011004455667"}
    # The HTML shows the QR inline, by its Content-ID, and the same words.
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'src="cid:vietqr@forumhall"' in html
    assert "Mười sáu triệu hai trăm nghìn đồng" in html
    assert f"<strong>{reference}</strong>" in html
    assert message.message().get_content_type() == "multipart/related"


def test_in_english_for_an_english_speaking_exhibitor(
    priced, booths, other_exhibitor, django_capture_on_commit_callbacks
):
    exhibition_settings_update(event=priced, release_unpaid=True)
    with django_capture_on_commit_callbacks(execute=True):
        booking = approve(priced, booths[0], other_exhibitor)
    message = mail.outbox[-1]
    assert message.subject == "Booth A01: please pay 16,200,000 ₫ by 14/12/2026"
    assert message.body.splitlines()[2] == (
        "Your booking of booth A01 of Expo 2024 is approved. Please pay 16,200,000 ₫ by "
        "14/12/2026. If it is not paid by then, the booking is cancelled and the booth "
        "becomes free for others."
    )
    assert "Amount: 16,200,000 ₫ (Mười sáu triệu hai trăm nghìn đồng)" in message.body
    assert check_vietqr(qr_of(message))["62"] == {"08": f"FH{booking.pk:06d}"}


def test_without_bank_details_the_email_says_so_and_has_no_qr(
    event, booths, exhibitor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = approve(event, booths[0], exhibitor)
    message = mail.outbox[-1]
    assert "Ban tổ chức chưa khai báo tài khoản ngân hàng" in message.body
    assert f"Nội dung chuyển khoản: FH{booking.pk:06d}" in message.body
    assert not [p for p in message.message().walk() if p.get_content_type() == "image/png"]


def test_reminder_and_overdue_emails(priced, booths, exhibitor):
    booking = approve(priced, booths[0], exhibitor)
    payment_reminders_send(now=on(13))
    reminder = payment_message(booking, "booking.payment_reminder")
    subject = str(make_header(decode_header(reminder.message()["Subject"])))
    assert subject == "Nhắc thanh toán: gian hàng A01, hạn chót ngày 14/12/2026"
    assert reminder.body.splitlines()[2] == (
        "Xin nhắc: khoản thanh toán 16.200.000 ₫ cho gian hàng A01 tại Expo 2024 đến hạn chậm "
        "nhất ngày 14/12/2026."
    )
    assert check_vietqr(qr_of(reminder))["54"] == "16200000"
    payments_mark_overdue(now=on(15))
    overdue = payment_message(booking, "booking.payment_overdue")
    assert overdue.subject == "Gian hàng A01: đã quá hạn thanh toán"
    assert overdue.body.splitlines()[2] == (
        "Khoản thanh toán 16.200.000 ₫ cho gian hàng A01 tại Expo 2024 đã đến hạn ngày "
        "14/12/2026 nhưng chúng tôi chưa nhận được. Vui lòng thanh toán sớm nhất có thể."
    )
    # Sent late, once the booking is paid, the notices are no longer sent.
    assert payment_message(booking, "booking.payment_due") is None  # no longer awaiting


@pytest.mark.parametrize("then", ["paid", "cancelled"])
def test_a_payment_email_sent_after_payment_or_cancellation_is_dropped(
    priced, booths, exhibitor, organizer, then
):
    booking = approve(priced, booths[0], exhibitor)
    if then == "paid":
        booking_mark_paid(booking=booking, by=organizer)
    else:
        booking_cancel(booking=booking, by=organizer)
    assert payment_message(booking) is None


def test_the_due_date_reads_the_local_day(priced, booths, exhibitor):
    booking = approve(
        priced, booths[0], exhibitor, at=dt.datetime(2026, 12, 7, 17, 30, tzinfo=dt.UTC)
    )
    assert "chậm nhất ngày 15/12/2026" in payment_message(booking).subject


def test_the_organizers_words_for_the_event_and_language_keep_the_bank_details_and_qr(
    priced, booths, exhibitor, other_exhibitor, django_capture_on_commit_callbacks
):
    from mail.models import EmailText
    from tests.factories.exhibitors import make_event

    other = make_event(slug="dien-dan-khac", name="Diễn đàn khác")  # its words stay its own
    EmailText.objects.create(
        event=other, kind="booking.payment_due", language="vi", subject="KHÁC", body="KHÁC"
    )
    EmailText.objects.create(
        event=priced,
        kind="booking.payment_due",
        language="vi",
        subject="Thanh toán gian {{ booth }}: {{ amount }}",
        body="Kính gửi {{ name }},\n\nHạn {{ due_date }}, nội dung {{ reference }}.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        mine = approve(priced, booths[0], exhibitor)
        theirs = approve(priced, booths[1], other_exhibitor)  # English: the default words
    vietnamese = payment_message(mine)
    assert vietnamese.subject == "Thanh toán gian A01: 16.200.000 ₫"
    reference = f"FH{mine.pk:06d}"
    assert vietnamese.body.splitlines()[:5] == [
        "Kính gửi Công ty Cổ phần Dữ liệu Hải Phòng,",
        "",
        f"Hạn 14/12/2026, nội dung {reference}.",
        "",
        "Quét mã VietQR đính kèm bằng ứng dụng ngân hàng, hoặc chuyển khoản theo thông tin sau:",
    ]
    assert f"Nội dung chuyển khoản: {reference}" in vietnamese.body
    assert check_vietqr(qr_of(vietnamese))["62"] == {"08": reference}
    html = vietnamese.alternatives[0][0]
    assert f"<p>Hạn 14/12/2026, nội dung {reference}.</p>" in html
    assert 'src="cid:vietqr@forumhall"' in html
    english = payment_message(theirs)
    assert english.subject == "Booth A02: please pay 12,960,000 ₫ by 14/12/2026"
    assert check_vietqr(qr_of(english))["62"] == {"08": f"FH{theirs.pk:06d}"}
    # The reminder keeps its default words: the organizer changed only the first email.
    payment_reminders_send(now=on(13))
    reminder = payment_message(mine, "booking.payment_reminder")
    assert reminder.body.splitlines()[2].startswith("Xin nhắc: khoản thanh toán 16.200.000 ₫")


def test_the_admins_sample_of_a_payment_email_reads_the_events_first_booking(
    priced, booths, exhibitor
):
    from exhibitors.emails import payment_sample
    from mail.texts import email_words

    with translation.override("vi"):
        made_up = payment_sample(priced, "booking.payment_due")
        assert (made_up["name"], made_up["booth"], made_up["amount"]) == (
            "Công ty TNHH Sen Vàng",
            "A12",
            "12.000.000 ₫",
        )
        booking = approve(priced, booths[0], exhibitor)
        sample = payment_sample(priced, "booking.payment_overdue")
        words = email_words("booking.payment_overdue", event=priced, values=sample)
    assert sample["reference"] == f"FH{booking.pk:06d}"
    assert words.subject == "Gian hàng A01: đã quá hạn thanh toán"
    assert "Khoản thanh toán 16.200.000 ₫ cho gian hàng A01 tại Expo 2024" in words.text
