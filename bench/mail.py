"""Emails per second from the outbox to a local SMTP server (aiosmtpd, in this process): an
announcement to 1,000 guests, sent by its job (``announcement_deliver``) without the throttle
(``ANNOUNCEMENT_SEND_RATE=0``): the outbox rows written (one per recipient, in batches), then
each email claimed, rendered (HTML and text, its unsubscribe link) and sent over SMTP (one
connection per email, as the outbox sends them), its outcome recorded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/forumhall_mail .venv/bin/python bench/mail.py \\
        [--guests 1000]

Without DATABASE_URL: SQLite in a temporary file. The bench creates its own event and deletes
it (its registrations, the announcement and its emails) at the end.
"""

import argparse
import datetime as dt
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(PORT),
        "ANNOUNCEMENT_SEND_RATE": "0",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",  # the job is run here
        "LOG_LEVEL": "ERROR",
    }
)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='fh-bench-')}/mail.db")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.models import AnnouncementRecipient, AttendeeCategory, Event, Registration  # noqa: E402
from events.services.announcements import (  # noqa: E402
    announcement_create,
    announcement_deliver,
    announcement_send,
)
from mail.models import Email  # noqa: E402


class Counter:
    """Counts the messages the server accepted; when the first one came."""

    def __init__(self):
        self.count = 0
        self.first_at = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.count += 1
        self.first_at = self.first_at or time.perf_counter()
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guests", type=int, default=1000)
    guests = parser.parse_args().guests
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    now = timezone.now()
    event = Event.objects.create(
        slug=f"bench-mail-{int(time.time())}",
        name="Diễn đàn Chuyển đổi số TP Hải Phòng",
        organizer="Ủy ban nhân dân thành phố Hải Phòng",
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=8),
        venue="Trung tâm Hội nghị thành phố Hải Phòng",
    )
    category = AttendeeCategory.objects.create(event=event, name="Khách mời", slug="khach-moi")
    Registration.objects.bulk_create(
        Registration(
            event=event,
            category=category,
            full_name=f"Nguyễn Thị Ánh Tuyết {n}",
            email=f"khach{n}@bench.example",
            language="en" if n % 5 == 0 else "vi",
            status="confirmed",
            search_key=f"khach{n}",
        )
        for n in range(guests)
    )
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        announcement = announcement_create(
            event=event,
            subject="Thay đổi phòng phiên chiều",
            subject_en="The afternoon session moves",
            body="Kính gửi quý đại biểu,\n\nPhiên chiều chuyển sang phòng B, tầng 2.",
            body_en="Dear guests,\n\nThe afternoon session moves to room B, 2nd floor.",
        )
        announcement_send(announcement=announcement, by=None, expected=guests)
        started = time.perf_counter()
        status = announcement_deliver(announcement_id=announcement.pk)
        elapsed = time.perf_counter() - started
        sent = Email.objects.filter(
            pk__in=AnnouncementRecipient.objects.filter(announcement=announcement).values("email")
        )
        assert status == "sent", status
        assert sent.filter(status="sent").count() == guests == counter.count, counter.count
        print(f"database: {django.db.connection.vendor}; {guests} announcement emails")
        writing = counter.first_at - started
        sending = elapsed - writing
        print(f"outbox rows written in {writing:.2f} s ({guests / writing:.0f} rows/s)")
        print(f"sent over SMTP in {sending:.2f} s: {guests / sending:.0f} emails/s (unthrottled)")
        print(f"in all {elapsed:.2f} s: {guests / elapsed:.0f} emails/s")
        print("throttled in production at ANNOUNCEMENT_SEND_RATE per minute (default 600: 10/s)")
    finally:
        controller.stop()
        emails = Email.objects.filter(
            pk__in=AnnouncementRecipient.objects.filter(announcement__event=event).values("email")
        )
        ids = list(emails.values_list("pk", flat=True))
        Registration.objects.filter(event=event).delete()
        event.delete()
        Email.objects.filter(pk__in=ids).delete()


if __name__ == "__main__":
    main()
