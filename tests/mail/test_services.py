"""The one outbox: every email is a row written with the change that causes it, sent after
commit through a real SMTP server, retried with back-off while the server is down, sent again
with the SAME Message-ID when a worker died after the server took it, and sent once by
concurrent senders."""

import datetime as dt
import os
import subprocess
import sys
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.db.models import F
from django.utils import timezone

from events.services import registration_create
from mail import services
from mail.exceptions import EmailStillQueued
from mail.models import Email
from mail.registry import UnknownKind
from mail.services import (
    email_queue,
    email_resend,
    email_send,
    emails_about,
    emails_send_due,
    emails_skipped,
)
from tests.factories.events import make_category, make_event, person
from tests.factories.mail import free_port, smtp_server, use_smtp

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(minutes=6)  # past the send lease and the first back-off


@pytest.fixture
def no_worker(settings):
    """Queued sends wait in a task queue nobody works (outside a test transaction, on_commit
    runs at once: the immediate backend would send before the test's own sender)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def register(n: int = 1, **kwargs):
    """A public registration: its email (the confirmation link) is queued, not yet sent."""
    event = make_event()
    return registration_create(event=event, category=make_category(event), **person(n), **kwargs)


def test_every_message_says_it_is_automatic_and_carries_its_own_message_id(settings):
    settings.BASE_URL = "https://forum.example.vn"
    registration = register()
    email = emails_about(registration).get()
    assert email.message_id.startswith("<") and email.message_id.endswith("@forum.example.vn>")
    assert email_send(email_id=email.pk) == "sent"
    (message,) = mail.outbox
    headers = message.message()
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["Message-ID"] == email.message_id
    assert message.to == ["nguoi1@example.com"]


def test_the_row_is_written_in_the_callers_transaction():
    """Rolled back with the change that caused it: no email about a registration that never
    was."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        register()
        assert Email.objects.count() == 1
        raise RuntimeError("the change fails after the email was queued")
    assert Email.objects.count() == 0


def test_an_unknown_kind_is_refused_when_queued():
    with pytest.raises(UnknownKind):
        email_queue(kind="registration.typo", to=["a@example.com"], language="vi")
    assert Email.objects.count() == 0


def test_mail_server_down_then_back(settings, django_capture_on_commit_callbacks):
    """A real SMTP backend on a port where nothing listens: the registration goes through, the
    email waits (pending, the error kept); once a server listens there, the sweep sends it."""
    port = free_port()
    use_smtp(settings, port)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register()
    assert registration.pk
    email = emails_about(registration).get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert email.last_error.startswith("ConnectionRefusedError")
    assert emails_send_due() == 0  # not due yet: back-off

    with smtp_server(port) as inbox:
        assert emails_send_due(now=timezone.now() + LATER) == 1
        assert emails_send_due(now=timezone.now() + LATER) == 0  # once, not twice
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    (received,) = inbox.messages
    assert received["To"] == "nguoi1@example.com"
    assert received["Message-ID"] == email.message_id
    assert received["Auto-Submitted"] == "auto-generated"


def _database_url() -> str:
    """The test database, for a second process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


WORKER = """
import sys
import django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "tests.factories.mail.DyingBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(sys.argv[2])
from mail.services import email_send
email_send(email_id=int(sys.argv[1]))
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_mid_send_leaves_a_claim_that_lapses_and_the_copy_has_the_same_id(
    settings, no_worker
):
    """Exactly once as far as mail clients go: a worker process sends the email through a real
    SMTP server and dies before recording it. Until its lease lapses nobody sends it again;
    then the sweep does, and the copy carries the same Message-ID (clients drop it)."""
    registration = register()
    email = emails_about(registration).get()
    port = free_port()
    use_smtp(settings, port)
    with smtp_server(port) as inbox:
        worker = subprocess.run(  # noqa: S603
            [sys.executable, "-c", WORKER, str(email.pk), str(port)],
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": _database_url(),
            },
            capture_output=True,
            timeout=120,
        )
        assert worker.returncode == 17, worker.stderr.decode()[-2000:]
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("sending", 1)  # the claim of a dead worker
        assert len(inbox.messages) == 1

        assert emails_send_due() == 0  # the lease still holds: not sent again
        assert email_send(email_id=email.pk) == "sending"
        assert len(inbox.messages) == 1

        assert emails_send_due(now=timezone.now() + LATER) == 1  # lapsed: sent again
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    first, again = inbox.messages
    assert first["Message-ID"] == again["Message-ID"] == email.message_id
    assert first["Subject"] == again["Subject"]


class CountingBackend(LocmemBackend):
    """A mail server that takes a moment, counting what it accepts (shared by threads)."""

    lock = threading.Lock()
    sent: list[str] = []

    def send_messages(self, messages):
        time.sleep(0.2)
        with CountingBackend.lock:
            CountingBackend.sent += [m.extra_headers["Message-ID"] for m in messages]
        return len(messages)


SENDERS = 8


def _race(email_id: int) -> list[str]:
    """SENDERS threads (each its own database connection) send the same email at once."""
    barrier = threading.Barrier(SENDERS)
    answers: list[str] = []

    def send() -> None:
        try:
            connection.ensure_connection()  # connected before the start, not during the race
            barrier.wait()
            answers.append(email_send(email_id=email_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _naive_claim(email_id, now):
    """The control: read the status, then take the row, without the condition in the UPDATE."""
    status = Email.objects.filter(pk=email_id).values_list("status", flat=True).get()
    time.sleep(0.05)  # the time between the read and the write, as on a busy database
    if status != "pending":
        return False
    Email.objects.filter(pk=email_id).update(
        status="sending",
        attempts=F("attempts") + 1,
        next_attempt_at=timezone.now() + services.send_lease(),
    )
    return True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_once(settings, no_worker):
    settings.EMAIL_BACKEND = "tests.mail.test_services.CountingBackend"
    CountingBackend.sent = []
    email = emails_about(register()).get()
    answers = _race(email.pk)
    assert CountingBackend.sent == [email.message_id]
    assert answers.count("sent") >= 1 and len(answers) == SENDERS
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_conditional_claim_concurrent_senders_send_twice(
    settings, monkeypatch, no_worker
):
    settings.EMAIL_BACKEND = "tests.mail.test_services.CountingBackend"
    CountingBackend.sent = []
    monkeypatch.setattr(services, "_claim", _naive_claim)
    email = emails_about(register()).get()
    answers = _race(email.pk)
    assert len(CountingBackend.sent) > 1, answers  # the race the conditional UPDATE closes


def test_resend_writes_a_new_email_with_a_new_message_id(django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    organizer = get_user_model().objects.create_user("btc", "btc@example.com", "x")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register()
    original = emails_about(registration).get()
    assert original.status == "sent"
    with django_capture_on_commit_callbacks(execute=True):
        again = email_resend(email_id=original.pk, by=organizer)
    again.refresh_from_db()
    assert (again.kind, again.to, again.about) == (original.kind, original.to, registration)
    assert (again.status, again.resent_from, again.created_by) == ("sent", original, organizer)
    assert again.message_id != original.message_id
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        original.message_id,
        again.message_id,
    ]
    original.refresh_from_db()
    assert original.status == "sent"  # its history stays


def test_an_email_still_waiting_is_not_resent():
    registration = register()
    email = emails_about(registration).get()
    with pytest.raises(EmailStillQueued) as refusal:
        email_resend(email_id=email.pk, by=None)
    assert str(refusal.value.message) == ("Thư này vẫn đang chờ gửi: chưa có gì để gửi lại.")
    assert Email.objects.count() == 1


def test_an_email_about_an_object_that_is_gone_is_cancelled_not_sent():
    registration = register()
    email = emails_about(registration).get()
    registration.delete()
    assert email_send(email_id=email.pk) == "cancelled"
    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.status, email.sent_at) == ("cancelled", None)


def test_emails_queued_while_skipping_are_recorded_and_never_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, emails_skipped():
        registration = register()
    assert callbacks == []
    assert emails_about(registration).get().status == "skipped"
    assert emails_send_due(now=timezone.now() + LATER) == 0
    assert mail.outbox == []
