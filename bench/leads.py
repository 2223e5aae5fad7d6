"""Benchmark of lead scanning at the booth: the scan, the leads page and the export.

    .venv/bin/python bench/leads.py [--visitors 500]          # a scratch SQLite database
    DATABASE_URL=postgres://... .venv/bin/python bench/leads.py

Builds an event with two companies (approved booths) and ``--visitors`` confirmed visitors
(half share their contact), then prints:
- one scan (``lead_scan``: rate counter, badge read, insert, activity entry): median and p95,
  first scans and re-scans;
- the leads page and the CSV and XLSX exports of every lead: time and SQL queries (the
  queries must not grow with the leads).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
SCRATCH = Path(tempfile.gettempdir()) / "forumhall-bench-leads.sqlite3"
if "DATABASE_URL" not in os.environ:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SCRATCH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events.enums import RegistrationStatus  # noqa: E402
from events.models import AttendeeCategory, Registration, new_badge_token  # noqa: E402
from exhibitors.services import exhibition_settings_update  # noqa: E402
from exhibitors.services.leads import lead_scan  # noqa: E402
from tests.factories.exhibitors import (  # noqa: E402
    make_approved_booking,
    make_booths,
    make_event,
    make_exhibitor,
    make_user,
    valid_tax_code,
)

settings.LEAD_SCAN_RATE_LIMIT = "1000000/60"  # counted (its cost is measured), never refused
settings.ALLOWED_HOSTS = ["testserver"]


def ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=500)
    count = parser.parse_args().visitors
    call_command("migrate", verbosity=0)
    run = time.time_ns()  # every run makes its own event, companies and people
    event = make_event(slug=f"bench-leads-{run}", name="Bench leads")
    exhibition_settings_update(event=event, booking_open=True)
    booths = make_booths(event, count=2)
    companies = [
        make_exhibitor(
            f"Công ty Bench {n}",
            user=make_user(f"bench-{run}-{n}@example.com"),
            tax_code=valid_tax_code(run // 1000 % 5_000_000 * 2 + n),
        )
        for n in (1, 2)
    ]
    for booth, company in zip(booths, companies, strict=True):
        make_approved_booking(event, booth, company)
    category = AttendeeCategory.objects.create(event=event, name="Khách", slug="khach")
    visitors = Registration.objects.bulk_create(
        Registration(
            event=event,
            category=category,
            full_name=f"Khách Tham Quan {n}",
            email=f"bench-{run}-{n}@example.com",
            phone="+84912345678",
            organization="Sở Công Thương",
            title="Chuyên viên",
            status=RegistrationStatus.CONFIRMED,
            token=new_badge_token(),
            share_with_exhibitors=n % 2 == 0,
        )
        for n in range(count)
    )
    member = companies[0].members.select_related("user", "exhibitor").get()

    def timed_scans() -> list[float]:
        samples = []
        for visitor in visitors:
            started = time.perf_counter()
            lead_scan(member=member, event=event, code=visitor.token)
            samples.append(time.perf_counter() - started)
        return samples

    print(f"database: {connection.vendor}, {count} visitors")
    print(f"first scan: {ms(timed_scans())}")
    print(f"re-scan:    {ms(timed_scans())}")
    client = Client()
    client.force_login(member.user)
    for url in ("/exhibitor/leads/", "/exhibitor/leads/export.csv", "/exhibitor/leads/export.xlsx"):
        client.get(url)  # warm: caches, templates
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            took = time.perf_counter() - started
        print(f"{url}: {took * 1000:.0f} ms, {len(queries)} queries, {len(body) // 1024} KiB")


if __name__ == "__main__":
    main()
