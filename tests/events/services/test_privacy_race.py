"""Erasure under concurrency (PostgreSQL): a guest who presses "delete" in several tabs at once
while the retention purge runs is erased once: one cancellation, one seat handed on, one
``registration.erased`` entry, and the erasure's reason kept. A control without the row lock
shows the same rule logging the erasure again and again."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, transaction
from django.utils import timezone

from core.activity import log_action
from core.models import ActivityEntry
from events.enums import RegistrationStatus as S
from events.models import Registration
from events.services import registration_create
from events.services.privacy import event_purge_personal_data, registration_erase
from mail.models import Email
from tests.events.services.test_registration_race import (
    _emails_queued_not_sent,  # noqa: F401
    _in_thread,
)
from tests.factories.events import make_category, make_event, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABS = 8


def test_concurrent_erasures_and_the_purge_erase_once():
    event = make_event()
    category = make_category(event, capacity=1)
    guest = registration_create(
        event=event, category=category, skip_email_confirmation=True, **person(1)
    )
    waiting = registration_create(
        event=event, category=category, skip_email_confirmation=True, **person(2)
    )
    start = threading.Barrier(TABS + 1)

    @_in_thread
    def erase(_n):
        start.wait()
        close_old_connections()
        return registration_erase(registration=guest).purge_reason

    @_in_thread
    def purge():
        start.wait()
        close_old_connections()
        return event_purge_personal_data(event=event).registrations

    with ThreadPoolExecutor(TABS + 1) as pool:
        purged = pool.submit(purge)
        reasons = list(pool.map(erase, range(TABS)))
        purged.result()
    guest.refresh_from_db()
    waiting.refresh_from_db()
    # The purge anonymised the guest (reason "retention") only if it got there first.
    assert set(reasons) == {guest.purge_reason}
    assert guest.status == S.CANCELLED and guest.full_name == ""
    assert waiting.status == S.CONFIRMED
    log = ActivityEntry.objects.filter(object_id=str(guest.pk), content_type__model="registration")
    assert log.filter(action="registration.cancelled").count() == 1
    assert log.filter(action="registration.erased").count() == (
        1 if guest.purge_reason == "erasure" else 0
    )
    emails = Email.objects.filter(object_id=guest.pk, content_type__model="registration")
    assert not emails.exclude(to="").exists()  # nothing goes to the erased address


def test_control_without_the_lock_the_erasure_is_logged_by_every_tab():
    event = make_event()
    guest = registration_create(
        event=event, category=make_category(event), skip_email_confirmation=True, **person(1)
    )
    between = threading.Barrier(TABS)

    @_in_thread
    def naive_erase(_n):
        close_old_connections()
        with transaction.atomic():
            seen = Registration.objects.get(pk=guest.pk)
            between.wait()  # every tab has read "not erased yet"
            if seen.purged_at is None:
                Registration.objects.filter(pk=guest.pk).update(
                    full_name="", purged_at=timezone.now(), purge_reason="erasure"
                )
                log_action(action="registration.erased", obj=seen)

    with ThreadPoolExecutor(TABS) as pool:
        list(pool.map(naive_erase, range(TABS)))
    assert ActivityEntry.objects.filter(action="registration.erased").count() == TABS
