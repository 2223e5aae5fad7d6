"""An announcement reaches each recipient exactly once although the task worker sending it is
killed (SIGKILL) mid-way: a real ``manage.py run_worker`` on a private PostgreSQL cluster, a
real SMTP server (aiosmtpd) on loopback; a second worker takes the job up once the first one's
lease has lapsed (core.leases) and sends the rest."""

import json
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.core.test_run_worker import OPTIONS, manage, run, worker_env, workers_stop
from tests.factories.mail import free_port, smtp_server
from tests.factories.servers import PostgresCluster, postgres_bin

pytestmark = pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed")

GUESTS = 60

SETUP = f"""
import datetime as dt
from django.utils import timezone
from events.models import AttendeeCategory, Event, Registration
from events.services.announcements import announcement_create, announcement_send
now = timezone.now()
event = Event.objects.create(slug="forum", name="Diễn đàn", starts_at=now + dt.timedelta(days=9),
                             ends_at=now + dt.timedelta(days=9, hours=8))
category = AttendeeCategory.objects.create(event=event, name="Khách mời", slug="khach-moi")
for n in range({GUESTS}):
    Registration(event=event, category=category, full_name=f"Khách {{n}}",
                 email=f"khach{{n}}@example.com", status="confirmed").save()
announcement = announcement_create(event=event, subject="Đổi phòng", body="Phòng B.")
announcement_send(announcement=announcement, by=None, expected={GUESTS})
"""

STATE = """
import json
from events.models import Announcement, AnnouncementRecipient
announcement = Announcement.objects.get()
rows = AnnouncementRecipient.objects.filter(announcement=announcement)
print(json.dumps({
    "status": announcement.status,
    "attempts": announcement.attempts,
    "recipients": rows.count(),
    "distinct": rows.values("registration").distinct().count(),
    "email_statuses": sorted(set(rows.values_list("email__status", flat=True))),
}))
"""


def state(env) -> dict:
    process = manage(env, "shell", "-c", STATE, stdout=subprocess.PIPE)
    output, _ = process.communicate(timeout=60)
    return json.loads(output.decode().strip().splitlines()[-1])


def test_an_announcement_reaches_each_guest_once_when_its_worker_is_killed():
    cluster = PostgresCluster()
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="fh-announce-"))
    logs = [(folder / f"worker{n}.log").open("wb") for n in (1, 2)]
    first = second = None
    try:
        env = {
            **worker_env(cluster),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_TIMEOUT": "1",
            "MAIL_SEND_LEASE_SECONDS": "2",
            "JOB_LEASE_SECONDS": "4",
            "ANNOUNCEMENT_SEND_RATE": "600",  # ten a second: the kill lands mid-way
        }
        run(env, "migrate", "-v", "0")
        run(env, "createcachetable")
        with smtp_server(port) as inbox:
            run(env, "shell", "-c", SETUP)
            first = manage(env, "run_worker", *OPTIONS, stdout=logs[0], stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 60
            while len(inbox.messages) < 15 and time.monotonic() < deadline:
                time.sleep(0.05)
            first.kill()
            first.wait(timeout=30)
            sent_by_first = len(inbox.messages)
            assert 15 <= sent_by_first < GUESTS, (folder / "worker1.log").read_text()
            assert state(env)["status"] == "sending"  # killed mid-way

            second = manage(env, "run_worker", *OPTIONS, stdout=logs[1], stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if state(env)["status"] == "sent":
                    break
                time.sleep(1)
            final = state(env)
            assert final["status"] == "sent", (folder / "worker2.log").read_text()
            messages = list(inbox.messages)

        assert final["attempts"] == 2  # taken up once by the second worker
        assert final["recipients"] == final["distinct"] == GUESTS
        assert final["email_statuses"] == ["sent"]
        ids_by_guest = defaultdict(set)
        for message in messages:
            ids_by_guest[message["To"]].add(message["Message-ID"])
        assert len(ids_by_guest) == GUESTS
        # Each guest got one message (one Message-ID); at most the one email in the server's
        # hands at the kill went twice, with the same Message-ID (a client drops the copy).
        assert all(len(ids) == 1 for ids in ids_by_guest.values())
        assert GUESTS <= len(messages) <= GUESTS + 1
        assert messages[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    finally:
        workers_stop([first, second], logs, folder)
        cluster.close()
