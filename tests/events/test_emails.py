"""Emails go out after commit through an outbox: a mail server that is down never loses or
blocks a registration; the email is retried and goes out once the server is back."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.enums import RegistrationStatus as S
from events.services import registration_create
from mail.models import Email
from mail.services import email_send, emails_about, emails_send_due
from tests.factories.events import make_category, make_event, person

pytestmark = pytest.mark.django_db

BROKEN = "tests.factories.mail.BrokenEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def test_a_mail_server_that_raises_neither_blocks_nor_loses_the_registration(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            event=event, category=make_category(event), skip_email_confirmation=True, **person(1)
        )
    assert registration.status == S.CONFIRMED
    email = emails_about(registration).get()
    assert (email.kind, email.status, email.attempts) == ("registration.confirmed", "pending", 1)
    assert email.last_error == "ConnectionRefusedError: SMTP server down"
    assert email.next_attempt_at > timezone.now()

    settings.EMAIL_BACKEND = LOCMEM  # the server is back
    later = timezone.now() + dt.timedelta(minutes=5)
    assert emails_send_due(now=later) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert [m.to for m in mail.outbox] == [["nguoi1@example.com"]]
    assert emails_send_due(now=later) == 0  # sent once, not twice


def test_failed_sends_are_retried_later_by_a_deferred_task(settings):
    settings.EMAIL_BACKEND = BROKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = make_event()
    registration = registration_create(event=event, category=make_category(event), **person(1))
    email = emails_about(registration).get()
    before = timezone.now()
    assert email_send(email_id=email.pk) == "pending"
    retry = DBTaskResult.objects.get(task_path="mail.tasks.send_email")
    assert retry.args_kwargs == {"args": [email.pk], "kwargs": {}}
    assert retry.run_after > before + dt.timedelta(seconds=50)


def test_an_email_is_given_up_after_the_last_attempt(settings):
    settings.EMAIL_BACKEND = BROKEN
    settings.MAIL_MAX_ATTEMPTS = 2
    event = make_event()
    registration = registration_create(event=event, category=make_category(event), **person(1))
    email = emails_about(registration).get()
    assert email_send(email_id=email.pk) == "pending"
    assert email_send(email_id=email.pk) == "failed"
    assert email_send(email_id=email.pk) == "failed"  # no third attempt
    email.refresh_from_db()
    assert email.attempts == 2


def test_emails_are_in_the_registrants_language(django_capture_on_commit_callbacks):
    event = make_event()
    category = make_category(event)
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(event=event, category=category, language="en", **person(1))
        registration_create(event=event, category=category, language="vi", **person(2))
    english, vietnamese = mail.outbox
    assert english.subject.startswith("Confirm your registration")
    assert vietnamese.subject.startswith("Xác nhận đăng ký")
    assert "/en/register/confirm/" in english.body
    assert "/register/confirm/" in vietnamese.body and "/en/" not in vietnamese.body


def test_send_pending_emails_command_retries_and_expires(settings):
    import io

    from django.core.management import call_command

    settings.EMAIL_BACKEND = BROKEN
    event = make_event()
    registration = registration_create(event=event, category=make_category(event), **person(1))
    email = emails_about(registration).get()
    email_send(email_id=email.pk)
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    settings.EMAIL_BACKEND = LOCMEM
    out = io.StringIO()
    call_command("send_pending_emails", stdout=out)
    assert out.getvalue().strip() == (
        "Emails sent: 1. Unconfirmed registrations expired: 0. Reminders queued: 0."
    )
    assert mail.outbox[0].to == ["nguoi1@example.com"]


class AtomicProbeBackend(LocmemBackend):
    """Records whether a transaction was open while the mail server was being talked to."""

    in_transaction: list[bool] = []

    def send_messages(self, messages):
        AtomicProbeBackend.in_transaction.append(connection.in_atomic_block)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_held_while_the_mail_server_talks(settings):
    """On SQLite an open transaction is the database's write lock: a slow mail server would
    hold up every registration and every door scan."""
    settings.EMAIL_BACKEND = "tests.events.test_emails.AtomicProbeBackend"
    AtomicProbeBackend.in_transaction = []
    event = make_event()
    registration = registration_create(event=event, category=make_category(event), **person(1))
    email = emails_about(registration).get()
    assert email_send(email_id=email.pk) == "sent"
    assert AtomicProbeBackend.in_transaction == [False]
    assert email_send(email_id=email.pk) == "sent"  # not sent twice
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_dead_worker_lapses(settings):
    event = make_event()
    registration = registration_create(event=event, category=make_category(event), **person(1))
    email = emails_about(registration).get()
    now = timezone.now()
    Email.objects.filter(pk=email.pk).update(
        status="sending", attempts=1, next_attempt_at=now + dt.timedelta(minutes=5)
    )
    assert email_send(email_id=email.pk) == "sending"  # another worker has it
    assert emails_send_due(now=now) == 0
    assert emails_send_due(now=now + dt.timedelta(minutes=6)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


class LapsedLeaseBackend(LocmemBackend):
    """A mail server so slow that the sender's lease lapses: meanwhile another sender claims the
    email and sends it; then the first sender's connection breaks."""

    email_id: int = 0
    calls = 0
    answers: list[str] = []

    def send_messages(self, messages):
        LapsedLeaseBackend.calls += 1
        if LapsedLeaseBackend.calls == 1:
            later = timezone.now() + dt.timedelta(minutes=10)
            LapsedLeaseBackend.answers.append(
                email_send(email_id=LapsedLeaseBackend.email_id, now=later)
            )
            raise ConnectionResetError("connection reset by the mail server")
        return super().send_messages(messages)


def test_a_sender_whose_lease_lapsed_does_not_undo_the_next_senders_outcome(settings):
    settings.EMAIL_BACKEND = "tests.events.test_emails.LapsedLeaseBackend"
    event = make_event()
    registration = registration_create(event=event, category=make_category(event), **person(1))
    email = emails_about(registration).get()
    LapsedLeaseBackend.email_id, LapsedLeaseBackend.calls = email.pk, 0
    LapsedLeaseBackend.answers = []
    assert email_send(email_id=email.pk) == "sent"  # what the row says now
    assert LapsedLeaseBackend.answers == ["sent"]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1
    assert emails_send_due(now=timezone.now() + dt.timedelta(days=1)) == 0
