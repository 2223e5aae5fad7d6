"""Receipt numbers under concurrent payments, on PostgreSQL: the locked sequence row gives
RC 1..N without gap or repeat; the control, without the lock, shows the race (two issues read
the same last number: the unique constraint refuses the second)."""

import pytest

from exhibitors.models import InvoiceSequence, Receipt
from exhibitors.orders import booking_order
from exhibitors.services import booking_approve, payment_record, receipt_issue
from tests.exhibitors.test_concurrency import open_event, run_together
from tests.exhibitors.test_invoice_concurrency import issue_all, requested_bookings
from tests.factories.exhibitors import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COUNT = 12


def approved(event, count):
    organizer = make_user(is_staff=True)
    return organizer, [
        booking_approve(booking=b, by=organizer) for b in requested_bookings(event, count)
    ]


def test_concurrent_payments_number_their_receipts_without_gaps():
    event = open_event()
    organizer, bookings = approved(event, COUNT)
    totals = [booking_order(b).total for b in bookings]  # the first booth is a corner
    run_together(
        COUNT,
        lambda i: payment_record(booking=bookings[i], amount_vnd=totals[i], by=organizer),
    )
    numbers = sorted(Receipt.objects.filter(event=event).values_list("number", flat=True))
    assert numbers == list(range(1, COUNT + 1))
    assert InvoiceSequence.objects.get(event=event, kind="receipt").last_number == COUNT


def test_control_without_the_lock_receipt_numbers_collide_and_with_it_they_follow():
    event = open_event()
    _organizer, bookings = approved(event, 8)
    outcomes = []
    for _attempt in range(3):  # a race: show it at least once
        outcomes = issue_all(bookings, lock=False, issue_one=receipt_issue)
        if "duplicate" in outcomes:
            break
    assert "duplicate" in outcomes
    before = set(Receipt.objects.filter(event=event).values_list("number", flat=True))
    last = InvoiceSequence.objects.get(event=event, kind="receipt").last_number
    assert issue_all(bookings, lock=True, issue_one=receipt_issue) == ["ok"] * 8
    after = set(Receipt.objects.filter(event=event).values_list("number", flat=True))
    assert sorted(after - before) == list(range(last + 1, last + 9))
