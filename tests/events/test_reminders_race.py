"""Two sweeps at the same instant on PostgreSQL (two machines' timers): each confirmed guest
is reminded once. The rows are taken under ``FOR UPDATE SKIP LOCKED`` and marked in the
transaction that writes the email, so a second sweep skips them or sees them marked."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from events.services.reminders import REMINDER_KIND, reminders_queue_due
from mail.models import Email
from tests.factories.checkin import RegistrationFactory
from tests.factories.concurrency import at_once
from tests.factories.events import make_category, make_event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RUNS, GUESTS = 4, 120


def test_concurrent_sweeps_queue_each_reminder_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    starts = timezone.now() + dt.timedelta(hours=12)
    event = make_event(starts_at=starts, ends_at=starts + dt.timedelta(hours=8))
    category = make_category(event)
    for _n in range(GUESTS):
        RegistrationFactory(category=category, confirmed_at=timezone.now() - dt.timedelta(days=2))
    queued = at_once(*[reminders_queue_due] * RUNS)
    assert all(isinstance(n, int) for n in queued), queued
    assert sum(queued) == GUESTS
    reminders = Email.objects.filter(kind=REMINDER_KIND)
    assert reminders.count() == GUESTS
    per_guest = reminders.values("object_id").annotate(n=Count("pk")).filter(n__gt=1)
    assert not per_guest.exists()
