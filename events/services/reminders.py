"""The reminder the day before an event: its badge, time, venue and map link, emailed to every
confirmed guest once, ``REMINDER_HOURS_BEFORE`` hours before it starts (on by default, off per
event: ``Event.reminder_enabled``).

The reminder is about the guest's own registration, so it is transactional: a guest who
unsubscribed from announcements still gets it (as pretix does). A guest confirmed after the
reminder was due is left out: their confirmation, with the badge, is only hours old.

Queued by the sweep (``manage.py send_pending_emails``, every few minutes on one machine); once
per registration (``Registration.reminder_queued_at``, set under a row lock in the transaction
that writes the email: two sweeps at once never both queue it)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.activity import Actor, log_action
from events.enums import RegistrationEmailKind, RegistrationStatus
from events.models import Event, Registration
from mail.services import email_queue

#: The outbox's kind of the reminder (registered in events/mail_kinds.py).
REMINDER_KIND = RegistrationEmailKind.REMINDER.value

BATCH = 500


def reminder_ahead() -> dt.timedelta:
    return dt.timedelta(hours=settings.REMINDER_HOURS_BEFORE)


def reminders_queue_due(*, now: dt.datetime | None = None) -> int:
    """Queue the reminder of every confirmed registration of the events that start within
    ``REMINDER_HOURS_BEFORE`` hours and have it on, unless queued already or confirmed after it
    was due. Safe to run from several machines at once.

    Side effects: ``reminder_queued_at`` and one outbox email per registration; the activity
    entry ``event.reminders_queued`` (by the system) per event that had some. Returns how many.
    """
    now = now or timezone.now()
    events = Event.objects.filter(
        reminder_enabled=True, starts_at__gt=now, starts_at__lte=now + reminder_ahead()
    )
    return sum(_event_reminders_queue(event, now) for event in events)


def _event_reminders_queue(event: Event, now: dt.datetime) -> int:
    due_from = event.starts_at - reminder_ahead()
    queued = 0
    while True:
        with transaction.atomic():
            registrations = list(
                Registration.objects.select_for_update(skip_locked=True)
                .filter(
                    Q(confirmed_at__isnull=True) | Q(confirmed_at__lte=due_from),
                    event=event,
                    status=RegistrationStatus.CONFIRMED,
                    reminder_queued_at__isnull=True,
                    purged_at__isnull=True,
                )
                .exclude(email="")
                .order_by("pk")
                .only("pk", "email", "language")[:BATCH]
            )
            if not registrations:
                break
            Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
                reminder_queued_at=now
            )
            for registration in registrations:
                email_queue(
                    kind=REMINDER_KIND,
                    to=[registration.email],
                    language=registration.language,
                    about=registration,
                )
            queued += len(registrations)
    if queued:
        with transaction.atomic():
            log_action(
                action="event.reminders_queued",
                obj=event,
                actor=Actor.system("reminder sweep"),
                changes={"reminders": [None, queued]},
                event_id=event.pk,
            )
    return queued
