"""Reconciliation: a 1,000-line bank statement matched against 200 orders
(exhibitors/services/reconcile.py).

    .venv/bin/python bench/reconcile.py               # a scratch SQLite database
    DATABASE_URL=postgres://... .venv/bin/python bench/reconcile.py

Builds an event with 200 approved bookings (bulk inserts; 40 with a deposit already paid), then
a statement CSV of 1,000 credit lines in Vietcombank's layout (references written every way
banks write them): 100 deposits (partial) and their 100 balances (exact), 100 payments in full
(exact) and a second transfer to each (over), 600 without a reference, and 50 debits.
Prints the median of 5 runs of:
- reading the file (``statement_parse``),
- loading what every order owes (``OrderIndex.load``: a fixed number of queries),
- matching (``statement_match``),
- the whole import (``statement_import``: read, dedupe, match, insert), on an empty table.
Target: reading + loading + matching ≤ 1 s.
"""

import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
SCRATCH = Path(tempfile.gettempdir()) / "forumhall-bench-reconcile.sqlite3"
if "DATABASE_URL" not in os.environ:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SCRATCH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events.services import event_upsert  # noqa: E402
from exhibitors.enums import BookingStatus, PaymentSource, PaymentStatus  # noqa: E402
from exhibitors.models import (  # noqa: E402
    BankStatementFormat,
    BankStatementImport,
    BankStatementLine,
    Booth,
    BoothBooking,
    ExhibitionSettings,
    Exhibitor,
    ExtraOption,
    Payment,
)
from exhibitors.services.reconcile import (  # noqa: E402
    OrderIndex,
    statement_import,
    statement_match,
    statement_parse,
)

ORDERS, LINES, RUNS = 200, 1000, 5
PRICE, VAT = 12_000_000, 8


def build() -> list[BoothBooking]:
    import datetime as dt  # noqa: PLC0415

    from core.time import HCM  # noqa: PLC0415

    event, _created = event_upsert(
        slug="bench-reconcile",
        name="Bench",
        starts_at=dt.datetime(2030, 12, 27, 8, tzinfo=HCM),
        ends_at=dt.datetime(2030, 12, 27, 17, tzinfo=HCM),
        capacity=600,
    )
    ExhibitionSettings.objects.get_or_create(event=event, defaults={"booth_vat_rate": VAT})
    ExtraOption.objects.get_or_create(
        event=event, code="power", defaults={"price_vnd": 1_500_000, "vat_rate": 8}
    )
    booths = Booth.objects.bulk_create(
        Booth(event=event, code=f"B{i:03d}", price_vnd=PRICE, x_m=i * 4, y_m=0)
        for i in range(ORDERS)
    )
    exhibitors = Exhibitor.objects.bulk_create(
        Exhibitor(
            name=f"Công ty {i}",
            slug=f"bench-{i}",
            tax_code=f"B{i:09d}",
            sector="software",
            contact_name="Khoa",
            contact_phone="0912345678",
            contact_email=f"b{i}@example.com",
        )
        for i in range(ORDERS)
    )
    bookings = BoothBooking.objects.bulk_create(
        BoothBooking(
            event=event,
            booth=booth,
            exhibitor=exhibitor,
            status=BookingStatus.APPROVED,
            price_vnd=PRICE,
            extras=["power"] if i % 2 else [],
            payment_status=PaymentStatus.DEPOSIT_PAID if i < 40 else PaymentStatus.AWAITING,
        )
        for i, (booth, exhibitor) in enumerate(zip(booths, exhibitors, strict=True))
    )
    Payment.objects.bulk_create(
        Payment(
            booking=b,
            amount_vnd=5_000_000,
            received_on=dt.date(2026, 11, 1),
            source=PaymentSource.MANUAL,
        )
        for b in bookings[:40]
    )
    return bookings


def statement(bookings) -> bytes:
    rng = random.Random(17)
    index = OrderIndex.load()
    spellings = ["{ref} THANH TOAN", "ck {low} gian hang", "Thanh toán FH-{num}", "FH {num} cty"]
    rows = []
    for i in range(LINES):
        day = f"{1 + i % 28:02d}/12/2026"
        # 0-99 a deposit (partial) of orders 0-99, 100-199 their balance (exact), 200-299
        # orders 100-199 in full (exact), 300-399 a second transfer to those (over).
        booking = bookings[(i if i < 100 else i - 100 if i < 300 else i - 200) % ORDERS]
        due = index.due[booking.pk]
        ref = booking.payment_reference
        text = rng.choice(spellings).format(ref=ref, low=ref.lower(), num=ref[2:])
        amount = (
            due // 2
            if i < 100
            else due - due // 2
            if i < 200
            else due
            if i < 300
            else 1_000_000
            if i < 400
            else 0
        )
        if i >= 400:
            text, amount = f"CHUYEN TIEN {i} NGUYEN VAN KHOA 0912345678", 500_000 + i
        rows.append([day, text, f"{amount:,}".replace(",", ".")])
    rows += [["01/12/2026", f"PHI SMS {i}", "-11.000"] for i in range(50)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([["SAO KÊ TÀI KHOẢN"], ["Ngày", "Diễn giải", "Số tiền"], *rows])
    return out.getvalue().encode("utf-8-sig")


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    call_command("migrate", verbosity=0)
    BankStatementLine.objects.all().delete()
    BankStatementImport.objects.all().delete()
    bookings = build()
    bank, _created = BankStatementFormat.objects.get_or_create(
        name="Vietcombank (bench)",
        defaults={"skip_rows": 2, "date_column": 1, "description_column": 2, "amount_column": 3},
    )
    data = statement(bookings)
    parse_ms, load_ms, match_ms, import_ms = [], [], [], []
    kinds: dict = {}
    for _run in range(RUNS):
        t, lines = timed(lambda: statement_parse(data=data, bank=bank))
        parse_ms.append(t)
        with CaptureQueriesContext(connection) as queries:
            t, index = timed(OrderIndex.load)
        load_ms.append(t)
        t, _none = timed(lambda: statement_match(lines, index))  # noqa: B023
        match_ms.append(t)
        kinds = {}
        for line in lines:
            kinds[line.match] = kinds.get(line.match, 0) + 1
        BankStatementLine.objects.all().delete()
        t, _statement = timed(lambda: statement_import(bank=bank, data=data, filename="b", by=None))
        import_ms.append(t)
    total = [p + lo + m for p, lo, m in zip(parse_ms, load_ms, match_ms, strict=True)]
    print(
        f"statement of {len(lines)} credit lines (+50 debits) against {ORDERS} orders, "
        f"median of {RUNS}: read {statistics.median(parse_ms):.0f} ms, "
        f"load orders {statistics.median(load_ms):.0f} ms ({len(queries)} queries), "
        f"match {statistics.median(match_ms):.0f} ms; "
        f"read+load+match {statistics.median(total):.0f} ms (target ≤ 1000 ms); "
        f"whole import with inserts {statistics.median(import_ms):.0f} ms; "
        f"{ {str(k): v for k, v in sorted(kinds.items())} }"
    )


if __name__ == "__main__":
    main()
