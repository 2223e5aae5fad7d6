import pytest
from django.core import mail
from django.utils import timezone

from events.demo import SEED_DAY, load_event, load_registrations
from events.models import Invitation, Registration
from mail.models import Email

pytestmark = pytest.mark.django_db


def test_demo_registrations_are_idempotent_and_email_nobody(django_capture_on_commit_callbacks):
    event = load_event(day=SEED_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        first = load_registrations(event)
    with django_capture_on_commit_callbacks(execute=True):
        second = load_registrations(event)
    assert first == second
    assert first == {
        "pending_email": 3,
        "pending_approval": 4,
        "confirmed": 140,
        "waitlisted": 0,
        "cancelled": 3,
        "rejected": 0,
        "expired": 0,
    }
    assert sorted(event.categories.values_list("name", flat=True)) == [
        "Báo chí",
        "Khách mời VIP",
        "Đại biểu",
    ]
    assert Registration.objects.filter(category__slug="khach-moi-vip").count() == 15
    assert Invitation.objects.filter(registration=None).count() == 5
    assert mail.outbox == []
    assert set(Email.objects.values_list("status", flat=True)) == {"skipped"}
    assert Email.objects.filter(kind="registration.confirmed").count() == 143  # 3 cancelled since
    event.refresh_from_db()
    assert event.starts_at.date().isoformat() == "2023-12-27"
    assert event.registration_is_open()


def test_demo_can_close_registration_as_in_real_life():
    event = load_event(day=SEED_DAY)
    load_registrations(event, registration_open=False)
    event.refresh_from_db()
    assert not event.registration_is_open()
    assert event.registration_closes_at == event.starts_at < timezone.now()
    assert not Registration.objects.filter(status="pending_email").exists()
