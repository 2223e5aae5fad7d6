"""Pro-forma invoice and receipt PDFs: the median time of one A4 pro-forma invoice (lines, VAT,
amount in words, the VietQR) and of one receipt (the same lines, two payments), rendered by
exhibitors/invoices.py.

    .venv/bin/python bench/invoices.py [--runs 50]

Target: one pro-forma invoice ≤ 60 ms. No database is needed: the invoice is built in memory.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from events.models import Event  # noqa: E402
from exhibitors.invoices import proforma_render_pdf, receipt_render_pdf  # noqa: E402
from exhibitors.models import (  # noqa: E402
    Booth,
    BoothBooking,
    ExhibitionSettings,
    Exhibitor,
    ProformaInvoice,
    Receipt,
)

LINES = [
    ("Gian hàng A02 (Tiêu chuẩn, 3 × 3 m)", 12_000_000, 8),
    ("Điện bổ sung (3 kW)", 1_500_000, 8),
    ("Đường truyền internet riêng", 2_000_000, 10),
    ("Màn hình 55 inch", 3_500_000, 10),
]


def invoice(number: int, model=ProformaInvoice, **extra) -> ProformaInvoice:
    event = Event(
        pk=1,
        slug="bench",
        name="Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023",
        starts_at=dt.datetime(2023, 12, 27, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2023, 12, 27, 10, tzinfo=dt.UTC),
    )
    event.exhibition_settings = ExhibitionSettings(
        event=event,
        bank_bin="970436",
        bank_account_number="0071000123456",
        bank_account_name="BAN TO CHUC DIEN DAN",
    )
    exhibitor = Exhibitor(pk=1, name="Công ty Cổ phần Dữ liệu Hải Phòng", tax_code="0100109106")
    booth = Booth(pk=1, event=event, code="A02", price_vnd=12_000_000)
    booking = BoothBooking(pk=number, event=event, booth=booth, exhibitor=exhibitor, price_vnd=1)
    lines = [
        {
            "label_vi": label,
            "label_en": label,
            "net": net,
            "vat_rate": rate,
            "vat": net * rate // 100,
        }
        for label, net, rate in LINES
    ]
    net = sum(line["net"] for line in lines)
    vat = sum(line["vat"] for line in lines)
    return model(
        **extra,
        event=event,
        booking=booking,
        number=number,
        seller_name="Công ty TNHH Tổ chức Sự kiện Diễn đàn Việt",
        seller_address="35 Nguyễn Huệ, phường Sài Gòn, TP. Hồ Chí Minh",
        seller_tax_code="0312345673",
        buyer_name=exhibitor.name,
        buyer_address="18 Hoàng Diệu, Hải Phòng",
        buyer_tax_code="0100109106",
        lines=lines,
        net_vnd=net,
        vat_vnd=vat,
        total_vnd=net + vat,
        payment_reference=f"FH{number:06d}",
    )


PAYMENTS = [
    {"date": "2026-12-01", "amount": 10_000_000, "source": "bank", "reference": "FH000101 dat coc"},
    {"date": "2026-12-05", "amount": 10_440_000, "source": "manual", "reference": "UNC 0042"},
]


def receipt(number: int) -> Receipt:
    return invoice(number, Receipt, payments=PAYMENTS, paid_vnd=20_440_000)


def measure(label: str, make, render, runs: int) -> None:
    for n in range(3):  # warm up: fonts, templates, stylesheet
        render(make(n + 1))
    times, cpu, size = [], [], 0
    for n in range(runs):
        document = make(100 + n)
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf = render(document)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        size = len(pdf)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label}, {runs} runs: "
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"CPU median {statistics.median(cpu):.1f} ms, {size / 1024:.0f} KiB (target ≤ 60 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    measure(
        f"one pro-forma invoice (A4, {len(LINES)} lines, VietQR)",
        invoice,
        lambda d: proforma_render_pdf(invoice=d),
        runs,
    )
    measure(
        f"one receipt (A4, {len(LINES)} lines, {len(PAYMENTS)} payments)",
        receipt,
        lambda d: receipt_render_pdf(receipt=d),
        runs,
    )


if __name__ == "__main__":
    main()
