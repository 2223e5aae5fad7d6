"""Benchmark of the payment sweep (exhibitors/services/deadlines.py) that every task worker runs
every PAYMENT_SWEEP_SECONDS.

    .venv/bin/python bench/payment_sweep.py                 # a scratch SQLite database
    DATABASE_URL=postgres://... .venv/bin/python bench/payment_sweep.py

Builds one event with BOOKINGS approved bookings through the services (emails recorded as
skipped), then prints the time and SQL queries of one sweep on: an idle day (nothing due: what
every worker pays each turn), the reminder day (every booking reminded), the same day again
(nothing left to send), the day after the deadline (every booking overdue and released).
"""

import datetime as dt
import time

from _scratch import scratch_django

scratch_django("payment-sweep")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core.time import HCM  # noqa: E402
from events.services import event_upsert  # noqa: E402
from exhibitors.models import BoothBooking  # noqa: E402
from exhibitors.services import (  # noqa: E402
    booking_approve,
    booking_request,
    booth_hold,
    booth_upsert,
    exhibition_settings_update,
    exhibitor_create,
)
from exhibitors.services.deadlines import booking_payments_sweep  # noqa: E402
from mail.services import emails_skipped  # noqa: E402
from tests.factories.exhibitors import valid_tax_code  # noqa: E402

BOOKINGS = 200
PER_EXHIBITOR = 20
APPROVED = dt.datetime(2026, 12, 7, 10, tzinfo=HCM)


def build() -> None:
    event, _ = event_upsert(
        slug="bench-sweep",
        name="Bench",
        starts_at=dt.datetime(2027, 1, 20, 8, tzinfo=HCM),
        ends_at=dt.datetime(2027, 1, 20, 17, tzinfo=HCM),
        capacity=600,
    )
    exhibition_settings_update(
        event=event,
        booking_open=True,
        max_booths_per_exhibitor=PER_EXHIBITOR,
        payment_days=7,
        payment_reminder_days="3,1",
        release_unpaid=True,
        bank_bin="970436",
        bank_account_number="0011004455667",
    )
    exhibitors = [
        exhibitor_create(
            user=get_user_model().objects.create_user(f"bench{n}", f"b{n}@example.com", "x" * 12),
            name=f"Công ty Đo Hiệu Năng {n}",
            tax_code=valid_tax_code(n),
            sector="software",
            contact_name="Nguyễn Văn Khoa",
            contact_phone="0912345678",
            contact_email=f"khoa{n}@example.com",
        )
        for n in range(BOOKINGS // PER_EXHIBITOR)
    ]
    invoice = {
        "invoice_company": "Công ty Đo Hiệu Năng",
        "invoice_tax_code": valid_tax_code(0),
        "invoice_address": "1 Lê Lợi",
        "invoice_email": "ketoan@example.com",
    }
    with emails_skipped():
        for n in range(BOOKINGS):
            booth, _ = booth_upsert(
                event=event,
                code=f"B{n:03d}",
                price_vnd=12_000_000,
                x_m=n * 4,
                y_m=0,
                width_m=3,
                depth_m=3,
            )
            booking = booth_hold(
                event=event,
                booth=booth,
                exhibitor=exhibitors[n // PER_EXHIBITOR],
                now=APPROVED - dt.timedelta(minutes=5),
            )
            booking = booking_request(booking=booking, now=APPROVED, **invoice)
            booking_approve(booking=booking, by=None, now=APPROVED)


def measure(label: str, day: int) -> None:
    now = dt.datetime(2026, 12, day, 9, tzinfo=HCM)
    with emails_skipped(), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = booking_payments_sweep(now=now)
        elapsed = time.perf_counter() - started
    print(
        f"{label:<32} {elapsed * 1000:8.1f} ms  {len(queries):5d} queries  "
        f"reminded {result.reminded:3d}  overdue {result.overdue:3d}  released {result.released:3d}"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build()
    print(
        f"{connection.vendor}: {BOOKINGS} approved bookings built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    measure("idle day (nothing due)", 9)
    measure("reminder day (3 days before)", 11)
    measure("the same day again", 11)
    measure("after the deadline", 15)
    measure("after the deadline, again", 16)
    left = BoothBooking.objects.filter(status="approved").count()
    print(f"approved bookings left: {left}")


if __name__ == "__main__":
    main()
