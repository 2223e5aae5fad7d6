"""Badge PDFs: the median time of one A6 badge, and of a 1,000-badge PDF of A4 sheets (with its
peak memory, measured in a child process).

    .venv/bin/python bench/badges.py [--runs 50] [--sheet 1000]

Targets: one badge ≤ 40 ms; 1,000 badges on sheets ≤ 30 s with a peak of ≤ 1 GiB.
No database is needed: the registrations are built in memory.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

from _memory import NAMES, bench_event  # a bench's setup, shared

from events.models import AttendeeCategory, Registration, new_badge_token  # noqa: E402
from events.pdf.badges import badge_render_pdf  # noqa: E402
from events.services.badges import badge_sheets_build_pdf  # noqa: E402


def registrations(count: int) -> list[Registration]:
    event = bench_event()
    categories = [
        AttendeeCategory(pk=1, event=event, name="Đại biểu", badge_colour="#0b4f8a"),
        AttendeeCategory(pk=2, event=event, name="Khách mời VIP", badge_colour="#b45309"),
        AttendeeCategory(pk=3, event=event, name="Báo chí", badge_colour="#15803d"),
    ]
    return [
        Registration(
            pk=n + 1,
            event=event,
            category=categories[n % 3],
            full_name=NAMES[n % len(NAMES)],
            organization="Sở Thông tin và Truyền thông Hải Phòng",
            title="Phó Giám đốc",
            token=new_badge_token(),
        )
        for n in range(count)
    ]


def one_badge(runs: int) -> None:
    sample = registrations(runs + 3)
    for registration in sample[:3]:  # warm up: fonts, templates
        badge_render_pdf(registration=registration)
    times, cpu = [], []
    for registration in sample[3:]:
        start, start_cpu = time.perf_counter(), time.process_time()
        badge_render_pdf(registration=registration)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(
        f"one A6 badge PDF: median {statistics.median(times):.1f} ms wall, "
        f"{statistics.median(cpu):.1f} ms CPU, over {runs} runs"
    )
    print(f"  wall p90 {statistics.quantiles(times, n=10)[-1]:.1f} ms, min {min(times):.1f} ms")
    print(f"  load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def sheet_child(count: int) -> None:
    """Runs in a child process so that its peak memory is its own."""
    sample = registrations(count)
    start, start_cpu = time.perf_counter(), time.process_time()
    pdf = badge_sheets_build_pdf(registrations=sample)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {"seconds": seconds, "cpu": cpu, "bytes": len(pdf), "peak_mib": peak_kib / 1024}
    print(json.dumps(figures))


def sheet(count: int) -> None:
    result = subprocess.run(
        [sys.executable, __file__, "--sheet-child", str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"{count} badges on {-(-count // 4)} A4 sheets: {figures['seconds']:.1f} s wall, "
        f"{figures['cpu']:.1f} s CPU, {figures['bytes'] / 1e6:.1f} MB, "
        f"peak memory {figures['peak_mib']:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--sheet", type=int, default=1000)
    parser.add_argument("--sheet-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sheet_child:
        sheet_child(args.sheet_child)
        return
    if args.runs:
        one_badge(args.runs)
    if args.sheet:
        sheet(args.sheet)


if __name__ == "__main__":
    main()
