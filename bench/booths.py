"""Benchmark of the exhibition: floor plan under load, and booth holds racing over HTTP.

    .venv/bin/python bench/booths.py                 # a scratch SQLite database
    DATABASE_URL=postgres://... .venv/bin/python bench/booths.py

Serves the app with gunicorn (2 workers × 4 threads) on 127.0.0.1:8104 only, builds a hall of
60 booths and 50 exhibitors through the services, then prints:
- SQL queries of one floor-plan render at 20 and 60 booths (the count must not grow);
- floor-plan page latency (200 requests, 8 clients);
- 50 exhibitors asking for the same booth at once: holds granted (must be 1) and refusals;
- 50 exhibitors each holding a different booth (8 clients): holds per second and latency.
Every request loop is bounded; the server is stopped at the end.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8104
BASE = f"http://127.0.0.1:{PORT}"
CSRF = "b" * 32
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
SCRATCH = Path(tempfile.gettempdir()) / "forumhall-bench-booths.sqlite3"
SERVER_LOG = Path(tempfile.gettempdir()) / "forumhall-bench-booths-server.log"
if "DATABASE_URL" not in os.environ:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SCRATCH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}"

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events.models import Event  # noqa: E402
from events.services import event_upsert  # noqa: E402
from exhibitors import selectors  # noqa: E402
from exhibitors.models import BoothBooking  # noqa: E402
from exhibitors.services import (  # noqa: E402
    booth_upsert,
    exhibition_settings_update,
    exhibitor_create,
)

SLUG = "bench-booths"
WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code(n: int) -> str:
    prefix = 420000000 + n * 13
    while True:
        digits = [int(ch) for ch in f"{prefix:09d}"]
        check = 10 - sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
        if check < 10:
            return f"{prefix:09d}{check}"
        prefix += 1


def build_hall():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from exhibitors.models import Exhibitor

    slugs = [SLUG, SLUG + "-small"]
    BoothBooking.objects.filter(event__slug__in=slugs).delete()
    Event.objects.filter(slug__in=slugs).delete()
    Exhibitor.objects.filter(slug__startswith="bench-").delete()
    User = get_user_model()
    User.objects.filter(username__startswith="bench-").delete()
    events = {}
    for slug, count in ((SLUG + "-small", 20), (SLUG, 60)):
        event, _ = event_upsert(
            slug=slug,
            name=f"Bench {count}",
            starts_at=timezone.now() + timezone.timedelta(days=30),
            ends_at=timezone.now() + timezone.timedelta(days=30, hours=8),
        )
        exhibition_settings_update(event=event, booking_open=True, max_booths_per_exhibitor=2)
        for i in range(count):
            booth_upsert(
                event=event,
                code=f"A{i + 1:02d}",
                tier="standard",
                price_vnd=12_000_000,
                x_m=1 + Decimal("3.2") * (i % 10),
                y_m=1 + Decimal("7.2") * (i // 10),
            )
        events[count] = event
    sessions = []
    for n in range(50):
        user = User.objects.create_user(
            username=f"bench-{n}@example.com", email=f"bench-{n}@example.com"
        )
        exhibitor = exhibitor_create(
            user=user,
            name=f"bench-{n} Công ty",
            tax_code=tax_code(n),
            sector="software",
            contact_name="Bench",
            contact_phone="0912345678",
            contact_email=user.email,
        )
        assert exhibitor.slug.startswith("bench-")
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)
    return events, sessions


def queries_of_floor_plan(event) -> int:
    with CaptureQueriesContext(connection) as queries:
        selectors.floor_plan_context(event=event)
        selectors.directory_context(event=event)
    return len(queries)


def start_server():
    try:
        requests.get(f"{BASE}/robots.txt", timeout=1)
    except requests.ConnectionError:
        pass
    else:
        raise SystemExit(f"something already listens on port {PORT}: stop it first")
    env = {**os.environ, "LOG_LEVEL": "ERROR"}
    log = open(SERVER_LOG, "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit(f"the server did not start: see {SERVER_LOG}")
        try:
            requests.get(f"{BASE}/robots.txt", timeout=10)
            return server
        except requests.RequestException:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the server did not start: see {SERVER_LOG}")


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def hold(session: str, code: str):
    return requests.post(
        f"{BASE}/exhibition/{SLUG}/booths/{code}/hold/",
        headers={"Accept": "application/json", "X-CSRFToken": CSRF},
        cookies={"sessionid": session, "csrftoken": CSRF},
        timeout=60,
    )


def main():
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    events, sessions = build_hall()
    print(f"database: {connection.vendor}")
    print(
        "queries for floor plan + directory: "
        f"{queries_of_floor_plan(events[20])} at 20 booths, "
        f"{queries_of_floor_plan(events[60])} at 60 booths"
    )
    server = start_server()
    try:
        with requests.Session() as http:
            http.get(f"{BASE}/exhibition/{SLUG}/", timeout=30)  # warm up

        def get_plan(_i):
            elapsed, response = timed(
                lambda: requests.get(f"{BASE}/exhibition/{SLUG}/", timeout=30)
            )
            if response.status_code != 200:
                raise SystemExit(
                    f"floor plan answered {response.status_code}: {response.text[:300]}"
                )
            return elapsed

        wall, latencies = timed(lambda: list(ThreadPoolExecutor(8).map(get_plan, range(200))))
        print(
            f"floor plan (60 booths), 200 GETs by 8 clients: {200 / wall:.0f} req/s, "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {pct(latencies, 95) * 1000:.0f} ms"
        )

        barrier = threading.Barrier(50)

        def race(i):
            barrier.wait(timeout=30)
            return hold(sessions[i], "A60").status_code

        wall, codes = timed(lambda: list(ThreadPoolExecutor(50).map(race, range(50))))
        granted = BoothBooking.objects.filter(booth__event__slug=SLUG, booth__code="A60").count()
        print(
            f"50 exhibitors at once for booth A60: {codes.count(201)} hold(s) granted "
            f"({granted} in the database), {codes.count(409)} refused as no longer available, "
            f"other: {len(codes) - codes.count(201) - codes.count(409)}; {wall:.2f} s"
        )
        BoothBooking.objects.filter(booth__event__slug=SLUG).delete()

        def distinct(i):
            elapsed, response = timed(lambda: hold(sessions[i], f"A{i + 1:02d}"))
            return elapsed, response.status_code

        wall, results = timed(lambda: list(ThreadPoolExecutor(8).map(distinct, range(50))))
        latencies = [elapsed for elapsed, _code in results]
        ok = sum(code == 201 for _elapsed, code in results)
        print(
            f"50 holds of different booths by 8 clients: {ok} granted, {50 / wall:.0f} holds/s, "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {pct(latencies, 95) * 1000:.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
