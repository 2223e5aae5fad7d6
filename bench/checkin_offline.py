"""The offline-first scanner: its copy of a list of 10,000 registrations, decisions without a
network in Chromium, and the upload of the queue.

    .venv/bin/python bench/checkin_offline.py

Prints: the snapshot's size (JSON, gzipped as the endpoint sends it), the time to build it on the
server, the time to load it in Chromium (download, gunzip, parse, index, store in IndexedDB),
the offline decision in Chromium from a scan (keyboard wedge submit) to the answer on screen
(the next animation frame), p50/p95/max over BENCH_SCANS scans, and the upload of 1,000 queued
scans once the network is back (until the queue is empty and every scan is on the server); the
server's side of that upload alone (no browser), set-based and, for comparison, scan by scan.

The server is gunicorn with the project's gunicorn.conf.py and PostgreSQL, as in bench/checkin.py
(whose event, 10,000 registrations and device it reuses). Environment: ``DATABASE_URL``
(default postgres://postgres@127.0.0.1:5432/forumhall_bench_offline), ``BENCH_PORT`` (8113),
``BENCH_SCANS`` (200).
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/forumhall_bench_offline"
os.environ.setdefault("BENCH_PORT", "8113")
os.environ.setdefault("BENCH_LEVELS", "1")

import checkin as online  # noqa: E402 (bench/checkin.py: database, data, server)

SCANS = int(os.environ.get("BENCH_SCANS", "200"))
QUEUED = 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def server_figures(list_id: int) -> None:
    from events.checkin.services import device_authenticate
    from events.checkin.sync import checkin_list_snapshot
    from events.models import CheckInList

    checkin_list = CheckInList.objects.select_related("event").get(pk=list_id)
    scanner = device_authenticate(token=os.environ["BENCH_DEVICE_TOKEN"])
    times, body = [], b""
    for _ in range(5):
        started = time.perf_counter()
        data = checkin_list_snapshot(checkin_list=checkin_list, scanner=scanner)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        zipped = gzip.compress(body, compresslevel=5)
        times.append(time.perf_counter() - started)
    print(f"snapshot: {len(data['registrations']):,} registrations")
    print(f"  size: {len(body) / 1e6:.2f} MB JSON, {len(zipped) / 1e6:.2f} MB gzipped (≤ 1.5 MB)")
    print(
        f"  build on the server (query, hash, JSON, gzip): median {statistics.median(times):.3f} s,"
        f" max {max(times):.3f} s (≤ 1 s)"
    )


def batch_figures(list_id: int, tokens: list[str]) -> None:
    """The server's side of the upload, without the browser: 1,000 queued scans in chunks of 100
    through ``checkin_batch`` (set-based, one transaction per chunk), and the same scans answered
    one by one by ``checkin_scan`` (as the upload did before), each on a list of its own."""
    import datetime as dt

    from django.utils import timezone

    from events.checkin.services import checkin_list_upsert, checkin_scan, device_authenticate
    from events.checkin.sync import BatchScan, checkin_batch
    from events.models import CheckInList

    event = CheckInList.objects.select_related("event").get(pk=list_id).event
    scanner = device_authenticate(token=os.environ["BENCH_DEVICE_TOKEN"])
    at = timezone.now() - dt.timedelta(minutes=5)
    figures = {}
    for mode in ("one by one", "at once"):
        hall, _created = checkin_list_upsert(event=event, name=f"Bench batch {mode}")
        started = time.perf_counter()
        for first in range(0, QUEUED, 100):
            chunk = tokens[first : first + 100]
            if mode == "at once":
                scans = [
                    BatchScan(list_id=hall.pk, nonce=f"{mode}-{first + n}", at=at, token=token)
                    for n, token in enumerate(chunk)
                ]
                checkin_batch(scanner=scanner, scans=scans)
            else:
                for n, token in enumerate(chunk):
                    checkin_scan(
                        scanner=scanner,
                        list_id=hall.pk,
                        token=token,
                        nonce=f"{mode}-{first + n}",
                        now=at,
                        offline_answer="ok",
                    )
        figures[mode] = time.perf_counter() - started
    print(
        f"upload of {QUEUED:,} queued scans on the server (no browser, chunks of 100):"
        f" at once {figures['at once']:.2f} s, one by one {figures['one by one']:.2f} s"
    )


def browser_figures(list_id: int, device_token: str, tokens: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    from events.models import CheckIn
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    base = f"http://{online.HOST}:{online.PORT}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        # bypass_csp: Playwright's wait_for_function evaluates its predicate as a string, which
        # the scanner's CSP (no 'unsafe-eval') refuses; the CSP itself is checked by the tests.
        context = browser.new_context(base_url=base, locale="vi-VN", bypass_csp=True)
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto(f"/checkin/pair/#{device_token}")
        page.wait_for_selector("#scanner[data-state='ready']")
        page.evaluate(f"localStorage.setItem('forumhall.checkin.list', '{list_id}')")
        page.select_option("#list-select", str(list_id))
        page.wait_for_function("window.forumhallScanner.ready()")
        loads = [page.evaluate("forumhallScanner.loadSnapshot()") for _ in range(3)]
        print(
            f"load in Chromium (download, parse, index, IndexedDB): median"
            f" {statistics.median(loads) / 1000:.2f} s, max {max(loads) / 1000:.2f} s (≤ 2 s)"
        )

        context.set_offline(True)
        page.evaluate("window.forumhallScannerTimings.length = 0")
        for n, token in enumerate(tokens[:SCANS]):
            page.evaluate(
                "t => { const w = document.getElementById('wedge'); w.value = t;"
                " document.getElementById('wedge-form').requestSubmit(); }",
                token,
            )
            page.wait_for_function(f"window.forumhallScannerTimings.length > {n}")
        timings = page.evaluate("window.forumhallScannerTimings")
        answers = page.locator("#offline-banner").get_attribute("data-queued")
        print(
            f"offline decision, scan to answer on screen ({len(timings)} scans, {answers} queued):"
            f" p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms,"
            f" max {max(timings):.1f} ms (p95 ≤ 30 ms)"
        )

        # Fill the queue up to 1,000 scans (as many more decisions, stored the same way).
        page.evaluate(
            """([tokens, listId]) => Promise.all(tokens.map((t, i) =>
                ForumhallCheckinStore.enqueue({nonce: 'bench-' + i + '-' + Date.now(),
                  time: new Date().toISOString(), list: listId, kind: 'entry', gate: 'Cổng 1',
                  token: t, offline_answer: 'ok'})))""",
            [tokens[SCANS:QUEUED], list_id],
        )
        before = CheckIn.objects.filter(checkin_list_id=list_id).count()
        started = time.perf_counter()
        context.set_offline(False)
        page.evaluate("forumhallScanner.sync()")
        page.wait_for_function("ForumhallCheckinStore.queueCount().then(n => n === 0)", polling=20)
        elapsed = time.perf_counter() - started
        arrived = CheckIn.objects.filter(checkin_list_id=list_id).count() - before
        print(
            f"upload of {QUEUED:,} queued scans: {elapsed:.2f} s, {arrived:,} check-ins recorded"
            f" (≤ 5 s)"
        )
        browser.close()


def main() -> None:
    online.ensure_database()
    halls, device_token, tokens = online.prepare()
    os.environ["BENCH_DEVICE_TOKEN"] = device_token
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=online.SERVER_ENV,
        check=True,
    )
    list_id = halls[0]
    server_figures(list_id)
    batch_figures(list_id, tokens)
    server = online.start_server()
    try:
        print(f"server: {online.server_description()}, PostgreSQL")
        browser_figures(list_id, device_token, tokens)
    finally:
        online.stop_server(server)


if __name__ == "__main__":
    main()
