"""Payments as records (exhibitors/services/payments.py): partial payments add up, the status
follows their sum in the booking's transaction, refunds are negative entries, "mark paid"
records the remainder, and every change is in the activity log."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from core.activity import ActivityEntry
from exhibitors.enums import PaymentSource, PaymentStatus
from exhibitors.models import Payment, Receipt
from exhibitors.services import (
    booking_cancel,
    booking_mark_paid,
    booking_move,
    payment_record,
    payment_refund,
)
from exhibitors.services.payments import (
    InvalidPaymentAmount,
    NotAwaitingPayment,
    RefundTooLarge,
    booking_due_vnd,
    booking_paid_vnd,
)
from tests.factories.exhibitors import make_approved_booking, user_of

TOTAL = 18_430_000


@pytest.fixture
def booking(priced, booths, exhibitor, organizer):
    return make_approved_booking(
        priced, booths[1], exhibitor, by=organizer, extras=["power", "screen"]
    )


def status_of(booking) -> str:
    booking.refresh_from_db()
    return booking.payment_status


def test_partial_payments_add_up_to_paid_and_issue_one_receipt(booking, organizer):
    payment_record(
        booking=booking, amount_vnd=5_000_000, by=organizer, received_on=dt.date(2026, 12, 1)
    )
    assert status_of(booking) == PaymentStatus.DEPOSIT_PAID
    assert (booking_paid_vnd(booking), booking_due_vnd(booking)) == (5_000_000, 13_430_000)
    assert booking.paid_at is None and not Receipt.objects.exists()
    payment_record(booking=booking, amount_vnd=13_430_000, by=organizer, reference="VCB 123")
    assert status_of(booking) == PaymentStatus.PAID
    assert (booking.paid_at is not None, booking.paid_by) == (True, organizer)
    receipt = Receipt.objects.get()
    assert (receipt.display_number, receipt.paid_vnd, receipt.total_vnd) == (
        "RC-00001",
        TOTAL,
        TOTAL,
    )
    assert [p["amount"] for p in receipt.payments] == [5_000_000, 13_430_000]
    entries = ActivityEntry.objects.filter(action="payment.recorded").order_by("pk")
    assert [e.changes for e in entries] == [
        {"paid_vnd": [0, 5_000_000], "payment_status": ["awaiting", "deposit"]},
        {"paid_vnd": [5_000_000, TOTAL], "payment_status": ["deposit", "paid"]},
    ]
    assert entries[1].reason == "VCB 123"
    assert ActivityEntry.objects.filter(action="receipt.issued").count() == 1


def test_an_over_payment_is_paid_and_the_difference_can_be_refunded(booking, organizer):
    payment_record(booking=booking, amount_vnd=TOTAL + 1_000_000, by=organizer)
    assert status_of(booking) == PaymentStatus.PAID
    payment_refund(booking=booking, amount_vnd=1_000_000, by=organizer, reason="trả thừa")
    assert status_of(booking) == PaymentStatus.PAID
    assert booking_paid_vnd(booking) == TOTAL
    assert Receipt.objects.count() == 1  # still paid: no second receipt


def test_a_full_refund_of_a_cancelled_booking_is_refunded(booking, organizer):
    payment_record(booking=booking, amount_vnd=5_000_000, by=organizer)
    booking_cancel(booking=booking, by=organizer, reason="rút lui")
    assert status_of(booking) == PaymentStatus.DEPOSIT_PAID  # the money is still held
    refund = payment_refund(booking=booking, by=organizer, reason="hoàn cọc")
    assert (refund.amount_vnd, refund.source) == (-5_000_000, PaymentSource.REFUND)
    assert status_of(booking) == PaymentStatus.REFUNDED
    entry = ActivityEntry.objects.get(action="payment.refunded")
    assert entry.changes == {
        "paid_vnd": [5_000_000, 0],
        "payment_status": ["deposit", "refunded"],
    }
    with pytest.raises(NotAwaitingPayment):
        payment_record(booking=booking, amount_vnd=1_000, by=organizer)


def test_refusals_change_nothing(booking, organizer):
    for amount in (0, -5, 1.5, True):
        with pytest.raises(InvalidPaymentAmount):
            payment_record(booking=booking, amount_vnd=amount, by=organizer)
    with pytest.raises(RefundTooLarge):
        payment_refund(booking=booking, by=organizer)  # nothing received
    payment_record(booking=booking, amount_vnd=1_000_000, by=organizer)
    with pytest.raises(RefundTooLarge):
        payment_refund(booking=booking, amount_vnd=1_000_001, by=organizer)
    assert list(Payment.objects.values_list("amount_vnd", flat=True)) == [1_000_000]
    assert status_of(booking) == PaymentStatus.DEPOSIT_PAID


def test_the_database_refuses_a_positive_refund_and_a_negative_payment(booking):
    for amount, source in ((-1, PaymentSource.MANUAL), (1, PaymentSource.REFUND)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(
                booking=booking, amount_vnd=amount, source=source, received_on=dt.date.today()
            )


def test_mark_paid_records_the_remainder(booking, organizer):
    payment_record(booking=booking, amount_vnd=3_000_000, by=organizer)
    booking_mark_paid(booking=booking, by=organizer, reason="UNC 0042")
    assert status_of(booking) == PaymentStatus.PAID
    manual = Payment.objects.order_by("pk").last()
    assert (manual.amount_vnd, manual.source, manual.reference, manual.recorded_by) == (
        TOTAL - 3_000_000,
        PaymentSource.MANUAL,
        "UNC 0042",
        organizer,
    )
    assert ActivityEntry.objects.get(action="booking.paid").changes == {
        "payment_status": ["deposit", "paid"],
        "paid_vnd": [3_000_000, TOTAL],
    }
    assert ActivityEntry.objects.filter(action="payment.recorded").count() == 1  # the first
    with pytest.raises(NotAwaitingPayment):
        booking_mark_paid(booking=booking, by=organizer)


def test_the_decide_page_records_a_partial_payment_and_a_refund(client, booking, organizer):
    client.force_login(organizer)
    url = f"/admin/exhibition/bookings/{booking.pk}/decide/"
    bad = client.post(url, {"action": "record_payment", "amount_vnd": "abc", "received_on": ""})
    assert bad.status_code == 400
    assert not Payment.objects.exists()
    client.post(
        url,
        {"action": "record_payment", "amount_vnd": "4000000", "received_on": "2026-12-02"},
    )
    assert status_of(booking) == PaymentStatus.DEPOSIT_PAID
    page = client.get(url).content.decode()
    assert 'data-paid="4000000"' in page
    client.post(url, {"action": "refund", "amount_vnd": "", "reason": "hủy"})
    assert status_of(booking) == PaymentStatus.REFUNDED


def test_after_a_deposit_the_booking_page_asks_for_the_rest(client, booking, organizer):
    payment_record(booking=booking, amount_vnd=5_000_000, by=organizer)
    client.force_login(user_of(booking.exhibitor))
    page = client.get(f"/exhibitor/bookings/{booking.pk}/").content.decode()
    assert 'data-payment="deposit"' in page
    assert "Đã đặt cọc" in page
    assert 'Đã nhận: <strong data-paid="5000000">5.000.000 ₫</strong> / 18.430.000 ₫' in page
    pay = page[page.index('class="ex-pay-words"') :]
    assert "13.430.000 ₫" in pay
    assert "Mười ba triệu bốn trăm ba mươi nghìn đồng" in pay


def test_a_paid_booking_moved_to_a_dearer_booth_owes_the_difference(booking, booths, organizer):
    payment_record(booking=booking, amount_vnd=TOTAL, by=organizer)
    booking_move(booking=booking, to_booth=booths[0], by=organizer)  # the corner: 3 000 000 more
    assert status_of(booking) == PaymentStatus.DEPOSIT_PAID
    assert booking.paid_at is None
    entry = ActivityEntry.objects.get(action="payment.settled")
    assert (entry.changes, entry.reason) == ({"payment_status": ["paid", "deposit"]}, "A02 → A01")
    assert booking_due_vnd(booking) == 3_240_000
    payment_record(booking=booking, amount_vnd=3_240_000, by=organizer)
    assert status_of(booking) == PaymentStatus.PAID
    assert list(Receipt.objects.values_list("number", "total_vnd")) == [
        (1, TOTAL),
        (2, TOTAL + 3_240_000),
    ]
