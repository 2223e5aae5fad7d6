"""Registrations per second on PostgreSQL with 8 concurrent clients, emails excluded (their
tasks are left queued: the outbox rows are still written in each transaction).

1. Through the service, 8 threads: the public path (pending email confirmation) and the
   trusted path (seat decided at once under the category's row lock).
2. Through HTTP on gunicorn (2 workers, threads as gunicorn.conf.py sets them, production
   settings) on 127.0.0.1:8102, 8 client threads: the public form (CSRF, validation, rate
   limit in Redis, honeypot), then the confirmation links (the seat decided under the lock).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/forumhall_registration \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/registration.py [--per-client 50] \
    [--questions 5]

``--questions N`` gives the event N of the demo-like registration questions (the delegation,
required and printed on the badge; the diet; a yes/no, a date, a phone), answered by every
registrant (the public form sends them as fields, the service as ``answers``).

The bench creates its own event and deletes it (and its registrations) at the end.
"""

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8102
BASE = f"http://127.0.0.1:{PORT}"
CLIENTS = 8
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "bench-only-not-secret-" + "b" * 40,
    "DATABASE_URL": os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/forumhall_registration"
    ),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"),
    "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",  # emails excluded
    "SECURE_SSL_REDIRECT": "0",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "REGISTRATION_RATE_LIMIT": "1000000/600",  # counted in Redis, never reached
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "ERROR",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.enums import QuestionKind  # noqa: E402
from events.models import AttendeeCategory, Event, Registration, RegistrationQuestion  # noqa: E402
from events.services import registration_confirmation_key, registration_create  # noqa: E402

#: The demo-like questions (key, kind, label, choices, required, on the badge, an answer).
QUESTIONS = [
    ("doan", QuestionKind.SHORT_TEXT, "Đơn vị / Đoàn", "", True, True, "Đoàn Hải Phòng"),
    (
        "che-do-an",
        QuestionKind.CHOICE,
        "Chế độ ăn",
        "binh-thuong | Bình thường | Normal\nchay | Chay | Vegetarian\nkhac | Khác | Other",
        False,
        False,
        "chay",
    ),
    ("tham-quan", QuestionKind.YES_NO, "Tham quan triển lãm", "", False, False, "yes"),
    ("ngay-den", QuestionKind.DATE, "Ngày đến", "", False, False, "2027-12-26"),
    ("lien-he", QuestionKind.PHONE, "Điện thoại liên hệ", "", False, False, "0225 3842 000"),
]
#: The answers every registrant gives (keyed by the question's key), set by ``ask``.
ANSWERS: dict[str, str] = {}


def ask(event, count: int) -> None:
    """Give ``event`` the first ``count`` of ``QUESTIONS``."""
    for order, (key, kind, label, choices, required, on_badge, answer) in enumerate(
        QUESTIONS[:count]
    ):
        RegistrationQuestion.objects.create(
            event=event,
            key=key,
            kind=kind,
            label=label,
            choices=choices,
            required=required,
            print_on_badge=on_badge,
            sort_order=order,
        )
        ANSWERS[key] = answer


def person(tag: str, n: int) -> dict:
    return {
        "full_name": f"Nguyễn Văn Khoa {n}",
        "email": f"{tag}{n}@bench.example",
        "phone": "0912 345 678",
        "organization": "Sở Thông tin và Truyền thông Hải Phòng",
        "title": "Chuyên viên",
    }


def run(label: str, count: int, work) -> list[float]:
    """Run ``work(n)`` for n in range(count) on CLIENTS threads; print the rate."""
    latencies: list[float] = []
    lock = threading.Lock()

    def timed(n):
        start = time.perf_counter()
        try:
            return work(n)
        finally:
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)

    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(timed, range(count)))
    seconds = time.perf_counter() - began
    print(
        f"{label}: {count / seconds:.0f} registrations/s "
        f"({count} in {seconds:.1f} s, median {statistics.median(latencies):.0f} ms, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1]:.0f} ms)"
    )
    return results


def service(event, category, per_client: int) -> None:
    total = CLIENTS * per_client

    def public(n):
        try:
            return registration_create(
                event=event, category=category, answers=ANSWERS, **person("s", n)
            ).status
        finally:
            connection.close()

    def trusted(n):
        try:
            return registration_create(
                event=event,
                category=category,
                skip_email_confirmation=True,
                answers=ANSWERS,
                **person("t", n),
            ).status
        finally:
            connection.close()

    run("service, public form path (pending email)", total, public)
    statuses = run("service, seat decided under the lock", total, trusted)
    print(
        f"  confirmed {statuses.count('confirmed')}, waitlisted {statuses.count('waitlisted')}"
        f" (capacity {category.capacity} for both runs together)"
    )


def start_gunicorn() -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **ENV}, stdout=subprocess.DEVNULL
    )
    for _ in range(120):
        try:
            requests.get(f"{BASE}/robots.txt", timeout=5, headers={"X-Forwarded-Proto": "https"})
            return process
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    process.wait(timeout=30)
    raise SystemExit("gunicorn did not start")


class Client(threading.local):
    """One browser-like client per thread: its own CSRF cookie, sent by hand (production
    cookies are Secure; the bench speaks HTTP to gunicorn as a TLS proxy would)."""

    def start(self, url: str) -> None:
        if getattr(self, "session", None) is None:
            self.session = requests.Session()
            response = self.session.get(url, headers=self.headers(url), timeout=30)
            response.raise_for_status()
            self.csrf = response.cookies["csrftoken"]

    def headers(self, url: str) -> dict:
        https = url.replace("http://", "https://")
        headers = {"X-Forwarded-Proto": "https", "Referer": https}
        if getattr(self, "csrf", None):
            headers["Cookie"] = f"csrftoken={self.csrf}"
        return headers

    def post(self, url: str, data: dict) -> int:
        self.start(url)
        response = self.session.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.csrf},
            headers=self.headers(url),
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code


def http(event, category, per_client: int) -> None:
    total = CLIENTS * per_client
    client = Client()
    form_url = f"{BASE}/register/{event.slug}/"

    def submit(n):
        data = {**person("h", n), "category": category.pk, "consent": "on"}
        data.update({f"q_{key}": value for key, value in ANSWERS.items()})
        return client.post(form_url, data)

    codes = run("HTTP, public form (gunicorn, 2 workers)", total, submit)
    assert codes == [302] * total, {code: codes.count(code) for code in set(codes)}
    urls = [
        f"{BASE}/register/confirm/{registration_confirmation_key(registration=r)}/"
        for r in Registration.objects.filter(event=event, email__startswith="h").order_by("id")
    ]
    codes = run("HTTP, confirmation link (seat decided)", total, lambda n: client.post(urls[n], {}))
    assert codes == [302] * total, {code: codes.count(code) for code in set(codes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-client", type=int, default=50)
    parser.add_argument(
        "--questions",
        type=int,
        default=0,
        choices=range(len(QUESTIONS) + 1),
        help="registration questions on the event (the demo-like ones; 0 to 5)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    now = timezone.now()
    event = Event.objects.create(
        slug=f"bench-{int(time.time())}",
        name="Bench forum",
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=8),
    )
    capacity = CLIENTS * args.per_client * 3 // 2
    category = AttendeeCategory.objects.create(
        event=event, name="Đại biểu", slug="dai-bieu", capacity=capacity
    )
    ask(event, args.questions)
    gunicorn = None
    try:
        print(
            f"PostgreSQL, {CLIENTS} concurrent clients, emails excluded, "
            f"{args.questions} registration questions"
        )
        service(event, category, args.per_client)
        connection.close()
        gunicorn = start_gunicorn()
        http(event, category, args.per_client)
        counts = {
            status: Registration.objects.filter(event=event, status=status).count()
            for status in ("confirmed", "waitlisted", "pending_email")
        }
        print(f"  final: {counts} (capacity {capacity})")
        assert counts["confirmed"] == capacity
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        Registration.objects.filter(event=event).delete()
        event.delete()


if __name__ == "__main__":
    main()
