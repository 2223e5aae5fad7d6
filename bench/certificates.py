"""Certificates of attendance: the time to build 1,000 certificate PDFs (A4 landscape, one by
one as the outbox's worker builds each email's attachment), wall and CPU, with the median of
one.

    .venv/bin/python bench/certificates.py [--count 1000]

No database is needed: the certificates are built in memory.
"""

import argparse
import datetime as dt
import statistics
import time

from _memory import NAMES, bench_event  # a bench's setup, shared

from events.models import Certificate, Registration, new_certificate_code  # noqa: E402
from events.pdf.certificates import certificate_render_pdf  # noqa: E402


def certificates(count: int) -> list[Certificate]:
    event = bench_event()
    result = []
    for n in range(count):
        name = NAMES[n % len(NAMES)]
        registration = Registration(pk=n + 1, event=event, full_name=name, language="vi")
        result.append(
            Certificate(
                pk=n + 1,
                event=event,
                registration=registration,
                code=new_certificate_code(),
                full_name=name,
                attended_on=dt.date(2023, 12, 27),
            )
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    sample = certificates(count + 3)
    for certificate in sample[:3]:  # warm up: fonts, templates, styles
        certificate_render_pdf(certificate=certificate)
    times = []
    start, start_cpu = time.perf_counter(), time.process_time()
    size = 0
    for certificate in sample[3:]:
        one = time.perf_counter()
        size += len(certificate_render_pdf(certificate=certificate))
        times.append((time.perf_counter() - one) * 1000)
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(
        f"{count} certificates: {wall:.1f} s wall, {cpu:.1f} s CPU (one process); "
        f"median {statistics.median(times):.0f} ms, p95 "
        f"{sorted(times)[int(len(times) * 0.95) - 1]:.0f} ms; "
        f"{size / count / 1024:.0f} KiB each"
    )


if __name__ == "__main__":
    main()
