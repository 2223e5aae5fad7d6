"""Payment sweeps run by every task worker at once (PostgreSQL, real threads): each reminder is
queued once, each booking turns overdue once, each unpaid booth is released once."""

import pytest

from core.models import ActivityEntry
from exhibitors.models import BookingTransition, BoothBooking, PaymentReminder
from exhibitors.services import exhibition_settings_update
from exhibitors.services.deadlines import booking_payments_sweep, payment_reminders_send
from mail.models import Email
from tests.exhibitors.test_concurrency import open_event, run_together
from tests.exhibitors.test_deadlines import approve, on
from tests.factories.exhibitors import make_booths, make_exhibitor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SWEEPS = 8


def approved_bookings(count: int, **rules):
    event = open_event(max_booths_per_exhibitor=count)
    exhibition_settings_update(event=event, payment_days=7, payment_reminder_days="3,1", **rules)
    exhibitor = make_exhibitor()
    return event, [approve(event, booth, exhibitor) for booth in make_booths(event, count=count)]


def test_concurrent_sweeps_queue_each_reminder_once():
    _event, bookings = approved_bookings(4)
    results = run_together(SWEEPS, lambda i: payment_reminders_send(now=on(11)))
    assert sum(results) == 4
    assert PaymentReminder.objects.filter(days_before=3).count() == 4
    reminders = Email.objects.filter(kind="booking.payment_reminder")
    assert sorted(reminders.values_list("object_id", flat=True)) == sorted(b.pk for b in bookings)


def test_concurrent_sweeps_mark_overdue_and_release_once():
    _event, bookings = approved_bookings(4, release_unpaid=True)
    results = run_together(SWEEPS, lambda i: booking_payments_sweep(now=on(15)))
    assert sum(r.overdue for r in results) == 4
    assert sum(r.released for r in results) == 4
    assert ActivityEntry.objects.filter(action="booking.payment_overdue").count() == 4
    assert ActivityEntry.objects.filter(action="booking.cancelled").count() == 4
    assert BookingTransition.objects.filter(action="cancel").count() == 4
    assert Email.objects.filter(kind="booking.cancel").count() == 4
    assert set(BoothBooking.objects.values_list("status", flat=True)) == {"cancelled"}
