"""Payment deadlines (exhibitors/services/deadlines.py): the due date set at approval, the
reminders (each once), overdue (once), the release of unpaid booths when the organizer wants
it, and the sweep hooked into the task worker."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.activity import Actor
from core.models import ActivityEntry
from core.periodic import registered, sweeps_run_due
from core.time import HCM
from exhibitors.enums import BookingStatus, PaymentStatus
from exhibitors.exceptions import InvalidTransition
from exhibitors.models import BookingTransition, BoothBooking, PaymentReminder
from exhibitors.orders import booking_order
from exhibitors.services import (
    booking_approve,
    booking_cancel,
    booking_mark_paid,
    booking_request,
    booth_hold,
    exhibition_settings_update,
)
from exhibitors.services.deadlines import (
    booking_payments_sweep,
    payment_reminders_send,
    payments_mark_overdue,
)
from exhibitors.services.payments import payment_record, payment_refund
from mail.models import Email
from tests.factories.exhibitors import INVOICE, make_exhibitor

pytestmark = pytest.mark.django_db

#: The approval: 10:00 on Monday 7 December 2026, Hanoi time.
APPROVED_AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=HCM)


def on(day: int, hour: int = 9) -> dt.datetime:
    """A moment of December 2026, Hanoi time."""
    return dt.datetime(2026, 12, day, hour, 0, tzinfo=HCM)


def approve(event, booth, exhibitor, *, at=APPROVED_AT, by=None) -> BoothBooking:
    """Hold, request and approve through the services, the approval at ``at``."""
    booking = booth_hold(
        event=event, booth=booth, exhibitor=exhibitor, now=at - dt.timedelta(minutes=5)
    )
    booking = booking_request(booking=booking, now=at - dt.timedelta(minutes=4), **INVOICE)
    return booking_approve(booking=booking, by=by, now=at)


def kinds(booking) -> list[str]:
    rows = Email.objects.filter(object_id=booking.pk, kind__startswith="booking.payment")
    return list(rows.order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def rules(event):
    return exhibition_settings_update(event=event, payment_days=7, payment_reminder_days="3,1")


# --- The due date ------------------------------------------------------------------------------


def test_approval_sets_the_due_date_days_after_the_local_approval_day(
    rules, event, booths, exhibitor
):
    booking = approve(event, booths[0], exhibitor)
    assert booking.payment_status == PaymentStatus.AWAITING
    assert booking.payment_due == dt.date(2026, 12, 14)
    booking.refresh_from_db()
    assert booking.payment_due == dt.date(2026, 12, 14)
    # 23:30 UTC on the 7th is already the 8th in Hanoi: due a day later.
    late = approve(event, booths[1], exhibitor, at=dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC))
    assert late.payment_due == dt.date(2026, 12, 15)


def test_a_fixed_deadline_caps_the_due_date_but_leaves_at_least_a_day(
    event, booths, exhibitor, other_exhibitor
):
    exhibition_settings_update(event=event, payment_days=7, payment_deadline=dt.date(2026, 12, 10))
    assert approve(event, booths[0], exhibitor).payment_due == dt.date(2026, 12, 10)
    exhibition_settings_update(event=event, payment_deadline=dt.date(2026, 12, 1))  # passed
    assert approve(event, booths[1], exhibitor).payment_due == dt.date(2026, 12, 8)
    exhibition_settings_update(event=event, payment_deadline=dt.date(2027, 1, 31))  # later
    assert approve(event, booths[2], other_exhibitor).payment_due == dt.date(2026, 12, 14)


def test_a_rejected_booking_has_no_due_date(rules, event, booths, exhibitor):
    from exhibitors.services import booking_reject

    booking = booth_hold(event=event, booth=booths[0], exhibitor=exhibitor)
    booking = booking_request(booking=booking, **INVOICE)
    booking = booking_reject(booking=booking, by=None, reason="Trùng lĩnh vực")
    assert (booking.payment_due, booking.payment_status) == (None, PaymentStatus.NONE)


@pytest.mark.parametrize("value", ["3;1", "a", "3,,1", "100", "-1"])
def test_reminder_days_must_be_numbers_separated_by_commas(event, value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        exhibition_settings_update(event=event, payment_reminder_days=value)
    assert "payment_reminder_days" in caught.value.message_dict
    assert event.exhibition_settings.payment_reminder_days == "3,1"  # unchanged


# --- Reminders ---------------------------------------------------------------------------------


def test_each_reminder_is_sent_once_on_its_day(rules, event, booths, exhibitor):
    booking = approve(event, booths[0], exhibitor)  # due 14/12
    assert kinds(booking) == ["booking.payment_due"]
    assert payment_reminders_send(now=on(10)) == 0  # 4 days left: nothing yet
    assert payment_reminders_send(now=on(11)) == 1  # 3 days left
    assert payment_reminders_send(now=on(11, 15)) == 0  # the same day again
    assert payment_reminders_send(now=on(12)) == 0  # 2 days left: the 3-day one was sent
    assert payment_reminders_send(now=on(13)) == 1  # 1 day left
    assert payment_reminders_send(now=on(14)) == 0  # due today: the 1-day one was sent
    reminders = PaymentReminder.objects.filter(booking=booking)
    assert sorted(reminders.values_list("days_before", flat=True)) == [1, 3]
    emails = Email.objects.filter(kind="booking.payment_reminder", object_id=booking.pk)
    assert sorted(e.context["days_before"] for e in emails) == [1, 3]
    assert {e.to for e in emails} == {exhibitor.contact_email}


def test_a_missed_day_sends_only_the_nearest_reminder(rules, event, booths, exhibitor):
    booking = approve(event, booths[0], exhibitor)
    assert payment_reminders_send(now=on(13)) == 1  # the worker was down from the 11th
    assert list(PaymentReminder.objects.values_list("days_before", flat=True)) == [1]
    assert payment_reminders_send(now=on(13, 18)) == 0
    assert kinds(booking) == ["booking.payment_due", "booking.payment_reminder"]


def test_no_reminder_whose_day_came_before_the_approval(event, booths, exhibitor):
    exhibition_settings_update(event=event, payment_days=2, payment_reminder_days="3,1")
    booking = approve(event, booths[0], exhibitor)  # due 9/12: "3 days before" was the 6th
    assert payment_reminders_send(now=on(7, 18)) == 0
    assert payment_reminders_send(now=on(8)) == 1
    assert list(PaymentReminder.objects.values_list("days_before", flat=True)) == [1]
    assert kinds(booking) == ["booking.payment_due", "booking.payment_reminder"]


def test_no_reminder_without_reminder_days_or_once_paid(
    rules, event, booths, exhibitor, other_exhibitor, organizer
):
    paid = approve(event, booths[0], exhibitor)
    booking_mark_paid(booking=paid, by=organizer)
    assert payment_reminders_send(now=on(11)) == 0
    exhibition_settings_update(event=event, payment_reminder_days="")
    approve(event, booths[1], other_exhibitor)
    assert payment_reminders_send(now=on(11)) == 0
    assert PaymentReminder.objects.count() == 0


# --- Overdue and release -------------------------------------------------------------------


def test_overdue_is_set_once_after_the_due_day(rules, event, booths, exhibitor):
    booking = approve(event, booths[0], exhibitor)  # due 14/12
    assert payments_mark_overdue(now=on(14, 23)) == 0  # the due day is not over
    assert payments_mark_overdue(now=on(15, 0)) == 1
    assert payments_mark_overdue(now=on(15, 1)) == 0
    booking.refresh_from_db()
    assert (booking.status, booking.payment_status) == ("approved", "overdue")
    (entry,) = ActivityEntry.objects.filter(action="booking.payment_overdue")
    assert (entry.actor_kind, entry.object_id) == ("system", str(booking.pk))
    assert entry.changes == {"payment_status": ["awaiting", "overdue"]}
    assert kinds(booking).count("booking.payment_overdue") == 1
    assert payment_reminders_send(now=on(15)) == 0  # no reminder after the deadline


def test_an_overdue_booking_may_still_be_paid(rules, event, booths, exhibitor, organizer):
    booking = approve(event, booths[0], exhibitor)
    payments_mark_overdue(now=on(16))
    booking = booking_mark_paid(booking=booking, by=organizer, reason="VCB 123")
    assert booking.payment_status == PaymentStatus.PAID
    entry = ActivityEntry.objects.get(action="booking.paid")
    total = booking_order(booking).total
    assert entry.changes == {"payment_status": ["overdue", "paid"], "paid_vnd": [0, total]}
    # The late payment is a record like any other, and the booking gets its receipt.
    assert list(booking.payments.values_list("amount_vnd", flat=True)) == [total]
    assert booking.receipts.count() == 1


def test_an_overdue_booking_takes_a_deposit_and_a_refund(
    rules, event, booths, exhibitor, organizer
):
    booking = approve(event, booths[0], exhibitor)
    payments_mark_overdue(now=on(16))
    payment_record(booking=booking, amount_vnd=1_000_000, by=organizer)
    booking.refresh_from_db()
    assert booking.payment_status == PaymentStatus.DEPOSIT_PAID
    payment_refund(booking=booking, by=organizer, reason="trả nhầm")
    booking.refresh_from_db()
    assert booking.payment_status == PaymentStatus.REFUNDED


def test_without_release_an_overdue_booking_keeps_its_booth(rules, event, booths, exhibitor):
    booking = approve(event, booths[0], exhibitor)
    result = booking_payments_sweep(now=on(15))
    assert (result.overdue, result.released) == (1, 0)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    assert booking_payments_sweep(now=on(16)) == type(result)(reminded=0, overdue=0, released=0)


def test_with_release_the_unpaid_booth_becomes_free(
    rules, event, booths, exhibitor, other_exhibitor, django_capture_on_commit_callbacks
):
    exhibition_settings_update(event=event, release_unpaid=True)
    booking = approve(event, booths[0], exhibitor)
    with django_capture_on_commit_callbacks(execute=True):
        result = booking_payments_sweep(now=on(15))
    assert (result.overdue, result.released) == (1, 1)
    booking.refresh_from_db()
    assert (booking.status, booking.payment_status) == ("cancelled", "cancelled")
    assert booking.reason == "Không thanh toán đúng hạn (14/12/2026)."
    step = BookingTransition.objects.get(booking=booking, action="cancel")
    assert (step.from_status, step.by) == ("approved", None)
    entry = ActivityEntry.objects.get(action="booking.cancelled", object_id=str(booking.pk))
    assert (entry.actor_kind, entry.actor_label) == ("system", "payment deadline")
    # The exhibitor is told by the cancellation's email (no separate "overdue" one).
    assert "booking.payment_overdue" not in kinds(booking)
    (cancelled,) = [m for m in mail.outbox if m.subject == "Đã hủy đặt gian hàng A01"]
    assert "Lý do: Không thanh toán đúng hạn (14/12/2026)." in cancelled.body
    # The booth is free for another exhibitor.
    other = booth_hold(event=event, booth=booths[0], exhibitor=other_exhibitor)
    assert other.status == BookingStatus.HELD
    assert booking_payments_sweep(now=on(16)).released == 0


def test_release_turned_on_later_frees_the_bookings_already_overdue(
    rules, event, booths, exhibitor
):
    booking = approve(event, booths[0], exhibitor)
    booking_payments_sweep(now=on(15))
    exhibition_settings_update(event=event, release_unpaid=True)
    assert booking_payments_sweep(now=on(16)).released == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_the_release_leaves_a_booking_paid_meanwhile(rules, event, booths, exhibitor, organizer):
    booking = approve(event, booths[0], exhibitor)
    payments_mark_overdue(now=on(15))
    booking_mark_paid(booking=booking, by=organizer)
    # What the release does on the locked row if the payment lands between its read and its lock.
    with pytest.raises(InvalidTransition):
        booking_cancel(booking=booking, by=Actor.system(), payment_status=PaymentStatus.OVERDUE)
    booking.refresh_from_db()
    assert (booking.status, booking.payment_status) == ("approved", "paid")


def test_the_release_only_touches_events_that_ask_for_it(rules, event, booths, exhibitor):
    from tests.factories.exhibitors import make_booths, make_event

    other_event = make_event(slug="expo-2025", name="Expo 2025")
    exhibition_settings_update(event=other_event, booking_open=True, release_unpaid=True)
    keep = approve(event, booths[0], exhibitor)
    release = approve(other_event, make_booths(other_event)[0], make_exhibitor("Công ty Khác"))
    assert booking_payments_sweep(now=on(20)).released == 1
    keep.refresh_from_db()
    release.refresh_from_db()
    assert (keep.status, release.status) == ("approved", "cancelled")


# --- The worker's sweep ------------------------------------------------------------------------


def test_the_payment_sweep_is_registered_and_run_by_the_worker_sweep(
    rules, event, booths, exhibitor, monkeypatch
):
    from core import periodic

    (sweep,) = [s for s in registered() if s.name == "exhibitors.payment_deadlines"]
    assert sweep.every == dt.timedelta(minutes=5)
    booking = approve(event, booths[0], exhibitor)
    monkeypatch.setattr(periodic, "_last_run", {})
    monkeypatch.setattr(timezone, "now", lambda: on(15))
    clock = iter([1000.0, 1060.0, 1400.0])
    assert "exhibitors.payment_deadlines" in sweeps_run_due(clock=lambda: next(clock))
    booking.refresh_from_db()
    assert booking.payment_status == PaymentStatus.OVERDUE
    assert "exhibitors.payment_deadlines" not in sweeps_run_due(clock=lambda: next(clock))
    assert "exhibitors.payment_deadlines" in sweeps_run_due(clock=lambda: next(clock))


# --- The organizer's settings ------------------------------------------------------------------


def test_organizers_set_the_payment_rules_in_the_admin(client, organizer, rules):
    from exhibitors.services.bookings import SETTINGS_FIELDS

    client.force_login(organizer)
    url = f"/admin/exhibition/settings/edit/{rules.pk}/"
    form = client.get(url).content.decode()
    for name in ("payment_days", "payment_deadline", "payment_reminder_days", "release_unpaid"):
        assert f'name="{name}"' in form
    data = {"event": rules.event_id}
    for name in SETTINGS_FIELDS:
        value = getattr(rules, name)
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    refused = client.post(url, {**data, "payment_reminder_days": "3;1", "release_unpaid": "on"})
    assert refused.status_code == 200
    assert "Các số ngày nguyên, cách nhau bằng dấu phẩy, ví dụ 3,1." in refused.content.decode()
    rules.refresh_from_db()
    assert (rules.payment_reminder_days, rules.release_unpaid) == ("3,1", False)
    assert not ActivityEntry.objects.filter(action="exhibition_settings.updated").exists()
    days_before = rules.payment_days
    response = client.post(
        url,
        {
            **data,
            "payment_days": "10",
            "payment_deadline": "2026-12-20",
            "payment_reminder_days": "5, 2,0",
            "release_unpaid": "on",
        },
    )
    assert response.status_code == 302
    rules.refresh_from_db()
    assert (rules.payment_days, rules.payment_deadline) == (10, dt.date(2026, 12, 20))
    assert (rules.reminder_days, rules.release_unpaid) == ([5, 2, 0], True)
    # Saved by the admin's own form: the rules' changes are in the activity log, by whom.
    entry = ActivityEntry.objects.get(action="exhibition_settings.updated")
    assert entry.actor_user_id == organizer.pk
    assert entry.changes["payment_days"] == [days_before, 10]
    assert entry.changes["release_unpaid"] == [False, True]
    assert entry.changes["payment_reminder_days"] == ["3,1", "5, 2,0"]
    assert "hold_minutes" not in entry.changes
