"""Payment deadlines of approved bookings: reminders before the due date, "overdue" after it,
and, where the organizer turned it on (Exhibition → Rules: release unpaid booths), the booth
released.

A booking approved on day D is due on ``ExhibitionSettings.payment_due_for(D)`` (a local date in
Asia/Ho_Chi_Minh: the transfer may arrive until the end of that day). ``booking_payments_sweep``
is the periodic job (``exhibitors/periodic.py``, run by every ``run_worker``): each step is safe
to run twice and from several workers at once.

- A reminder ``n`` days before the deadline is one ``PaymentReminder`` row (unique per booking
  and ``n``), inserted with its outbox email in one transaction: a second sweep's insert fails
  on the constraint and sends nothing. Only the nearest reminder is sent (a sweep that missed
  "3 days before" on day −3 sends "1 day before" on day −1, not both); a reminder whose day came
  before the approval is not sent (the approval's "payment due" email said it all).
- Overdue: one conditional UPDATE (``awaiting`` → ``overdue`` where the due date has passed): the
  sweep that changes the row logs it and emails the exhibitor; another finds nothing to change.
- The release cancels the booking through ``booking_cancel`` (the booth becomes free, the staff
  passes are cancelled, the exhibitor is emailed with the reason), by the system, only while
  its payment is still overdue on the locked row (a late payment marked meanwhile keeps it).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from core.activity import Actor, log_action
from core.time import HCM
from exhibitors.emails import PAYMENT_OVERDUE, PAYMENT_REMINDER
from exhibitors.enums import BookingStatus, PaymentStatus
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import BoothBooking, ExhibitionSettings, PaymentReminder
from exhibitors.services.bookings import booking_cancel, exhibitor_email_queue

#: The system actor of every step of the sweep.
SWEEP_ACTOR = Actor.system("payment deadline")


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    overdue: int
    released: int


def local_today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now, HCM).date()


def reminder_due(*, booking: BoothBooking, days: list[int], today: dt.date) -> int | None:
    """Which reminder (days before the deadline) ``booking`` is owed ``today``: the nearest one
    whose day has come, unless that day came before the booking was approved; None if none."""
    if booking.payment_due is None or today > booking.payment_due:
        return None
    left = (booking.payment_due - today).days
    applicable = [n for n in days if n >= left]
    if not applicable:
        return None
    nearest = min(applicable)
    approved_on = local_today(booking.decided_at) if booking.decided_at else None
    if approved_on is not None and booking.payment_due - dt.timedelta(days=nearest) <= approved_on:
        return None
    return nearest


def payment_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due today, each once per booking and reminder day. Returns
    how many were queued.

    Side effects: per booking, in its own transaction: locks it, re-checks that its payment is
    still awaited, inserts the ``PaymentReminder`` row and queues "booking.payment_reminder".
    """
    now = now or timezone.now()
    today = local_today(now)
    count = 0
    for rules in ExhibitionSettings.objects.exclude(payment_reminder_days=""):
        days = rules.reminder_days
        if not days:
            continue
        candidates = BoothBooking.objects.filter(
            event_id=rules.event_id,
            status=BookingStatus.APPROVED,
            payment_status=PaymentStatus.AWAITING,
            payment_due__gte=today,
            payment_due__lte=today + dt.timedelta(days=max(days)),
        ).only("pk", "payment_due", "decided_at")
        sent = set(
            PaymentReminder.objects.filter(booking__in=candidates).values_list(
                "booking_id", "days_before"
            )
        )
        for booking in candidates:
            n = reminder_due(booking=booking, days=days, today=today)
            if n is not None and (booking.pk, n) not in sent:
                count += _remind(booking.pk, n, now=now)
    return count


def _remind(pk: int, days_before: int, *, now: dt.datetime) -> int:
    with transaction.atomic():
        booking = (
            BoothBooking.objects.select_for_update(of=("self",))
            .select_related("exhibitor")
            .filter(pk=pk, status=BookingStatus.APPROVED, payment_status=PaymentStatus.AWAITING)
            .first()
        )
        if booking is None:
            return 0
        try:
            with transaction.atomic():
                PaymentReminder.objects.create(
                    booking=booking, days_before=days_before, sent_at=now
                )
        except IntegrityError:  # another sweep sent this one
            return 0
        exhibitor_email_queue(booking=booking, kind=PAYMENT_REMINDER, days_before=days_before)
    return 1


def payments_mark_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark overdue every approved booking still awaiting payment after its due date. Returns
    how many this call changed.

    Side effects: per booking, in its own transaction: a conditional UPDATE; if it changed the
    row, the activity entry ``booking.payment_overdue`` (by the system) and, unless the event
    releases unpaid booths (the cancellation's email then tells it), "booking.payment_overdue".
    """
    now = now or timezone.now()
    unpaid = {
        "status": BookingStatus.APPROVED,
        "payment_status": PaymentStatus.AWAITING,
        "payment_due__lt": local_today(now),
    }
    count = 0
    for pk in list(BoothBooking.objects.filter(**unpaid).values_list("pk", flat=True)):
        with transaction.atomic():
            rows = BoothBooking.objects.filter(pk=pk, **unpaid)
            if not rows.update(payment_status=PaymentStatus.OVERDUE):
                continue  # paid, cancelled, or marked by another sweep meanwhile
            booking = BoothBooking.objects.select_related("exhibitor").get(pk=pk)
            log_action(
                action="booking.payment_overdue",
                obj=booking,
                actor=SWEEP_ACTOR,
                reason=f"due {booking.payment_due:%Y-%m-%d}",
                changes={"payment_status": [PaymentStatus.AWAITING, PaymentStatus.OVERDUE]},
            )
            rules = ExhibitionSettings.objects.filter(event_id=booking.event_id).first()
            if not (rules and rules.release_unpaid):
                exhibitor_email_queue(booking=booking, kind=PAYMENT_OVERDUE)
            count += 1
    return count


def release_reason(booking: BoothBooking) -> str:
    """The cancellation's reason, in the exhibitor's language (their email quotes it)."""
    with translation.override(booking.exhibitor.language):
        return gettext("Not paid by the deadline (%(date)s).") % {
            "date": date_format(booking.payment_due, "d/m/Y")
        }


def payments_release_overdue(*, now: dt.datetime | None = None) -> int:
    """Cancel the overdue bookings of the events that release unpaid booths, so that their
    booths become free. Returns how many.

    Side effects: per booking, those of ``booking_cancel`` by the system with the reason (the
    booth freed, staff passes cancelled, the transition, the activity entry
    ``booking.cancelled``, the "booking.cancel" email); a booking paid or cancelled meanwhile
    is left alone.
    """
    now = now or timezone.now()
    overdue = BoothBooking.objects.filter(
        status=BookingStatus.APPROVED,
        payment_status=PaymentStatus.OVERDUE,
        event__exhibition_settings__release_unpaid=True,
    ).select_related("exhibitor")
    count = 0
    for booking in list(overdue):
        try:
            booking_cancel(
                booking=booking,
                by=SWEEP_ACTOR,
                reason=release_reason(booking),
                now=now,
                payment_status=PaymentStatus.OVERDUE,
            )
        except ExhibitorsError:  # paid, cancelled or released by another sweep meanwhile
            continue
        count += 1
    return count


def booking_payments_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """The periodic job: reminders, then overdue, then releases (see the module)."""
    now = now or timezone.now()
    return SweepResult(
        reminded=payment_reminders_send(now=now),
        overdue=payments_mark_overdue(now=now),
        released=payments_release_overdue(now=now),
    )
