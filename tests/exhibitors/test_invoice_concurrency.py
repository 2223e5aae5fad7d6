"""Pro-forma numbers under concurrent approvals, on PostgreSQL: the locked sequence row gives
1..N without gap or repeat; the control, without the lock, shows the race (two issues read the
same last number: the unique constraint refuses the second)."""

import pytest
from django.db import IntegrityError

from exhibitors.models import InvoiceSequence, ProformaInvoice
from exhibitors.services import booking_approve, booking_request, booth_hold, proforma_issue
from tests.exhibitors.test_concurrency import open_event, run_together
from tests.factories.exhibitors import INVOICE, make_booths, make_exhibitor, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COUNT = 12


def requested_bookings(event, count):
    booths = make_booths(event, count=count)
    return [
        booking_request(
            booking=booth_hold(event=event, booth=booth, exhibitor=make_exhibitor()), **INVOICE
        )
        for booth in booths
    ]


def test_concurrent_approvals_number_their_invoices_without_gaps():
    event = open_event()
    bookings = requested_bookings(event, COUNT)
    organizer = make_user(is_staff=True)
    run_together(COUNT, lambda i: booking_approve(booking=bookings[i], by=organizer))
    numbers = sorted(ProformaInvoice.objects.filter(event=event).values_list("number", flat=True))
    assert numbers == list(range(1, COUNT + 1))
    assert InvoiceSequence.objects.get(event=event).last_number == COUNT


def issue_all(bookings, *, lock: bool, issue_one=proforma_issue) -> list[str]:
    """Issue a document of each booking at once (``issue_one``: the pro-forma's or the
    receipt's service): "ok" or "duplicate" (the unique number refused) per booking."""

    def issue(i):
        try:
            issue_one(booking=bookings[i], lock=lock)
        except IntegrityError:
            return "duplicate"
        return "ok"

    return run_together(len(bookings), issue)


def test_control_without_the_lock_numbers_collide_and_with_it_they_follow():
    event = open_event()
    organizer = make_user(is_staff=True)
    bookings = [booking_approve(booking=b, by=organizer) for b in requested_bookings(event, 8)]
    outcomes = []
    for _attempt in range(3):  # a race: show it at least once
        outcomes = issue_all(bookings, lock=False)
        if "duplicate" in outcomes:
            break
    assert "duplicate" in outcomes
    before = set(ProformaInvoice.objects.filter(event=event).values_list("number", flat=True))
    last = InvoiceSequence.objects.get(event=event).last_number
    assert issue_all(bookings, lock=True) == ["ok"] * 8
    after = set(ProformaInvoice.objects.filter(event=event).values_list("number", flat=True))
    assert sorted(after - before) == list(range(last + 1, last + 9))
