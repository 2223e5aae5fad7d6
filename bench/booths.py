"""Benchmark of the exhibition: floor plan under load, and booth holds racing over HTTP.

    .venv/bin/python bench/booths.py                 # a scratch SQLite database
    DATABASE_URL=postgres://... .venv/bin/python bench/booths.py

Serves the app with gunicorn (2 workers × 4 threads) on 127.0.0.1:8104 only, builds two halls
through the services (20 booths in 40 × 25 m, 200 booths in 40 × 150 m, each with its stage,
aisle and entrance, a quarter of the booths booked and approved, so that names are drawn) and
50 exhibitors, then prints:
- SQL queries of the floor-plan page at 20 and 200 booths (the count must not grow);
- server time of the floor-plan page in-process (Django's test client, no network), at 20 and
  200 booths: median and p95 of 50 renders (the target is < 30 ms);
- floor-plan page latency over HTTP at 20 and 200 booths (200 requests, 8 clients);
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
from exhibitors.models import Booth, BoothBooking, ProformaInvoice  # noqa: E402
from exhibitors.services import (  # noqa: E402
    booking_approve,
    booking_request,
    booth_hold,
    booth_upsert,
    exhibition_settings_update,
    exhibitor_create,
    plan_save,
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
    ProformaInvoice.objects.filter(event__slug__in=slugs).delete()
    BoothBooking.objects.filter(event__slug__in=slugs).delete()
    Event.objects.filter(slug__in=slugs).delete()
    Exhibitor.objects.filter(slug__startswith="bench-").delete()
    User = get_user_model()
    User.objects.filter(username__startswith="bench-").delete()
    events = {}
    exhibitors = [make_exhibitor(n) for n in range(50)]
    for slug, count in ((SLUG + "-small", 20), (SLUG, 200)):
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
                y_m=5 + Decimal("7.2") * (i // 10),
            )
        rows = (count + 9) // 10
        plan_save(
            event=event,
            hall_width_m=Decimal(40),
            hall_depth_m=Decimal(max(25, 7 + rows * Decimal("7.2"))),
            booths={},
            shapes=[
                shape("stage", "Sân khấu", 12, 0, 16, 4),
                shape("aisle", "Lối đi", 33, 4, 4, rows * 7),
                shape("entrance", "Lối vào", 16, 4 + rows * Decimal("7.2"), 8, 1),
            ],
        )
        booths = list(Booth.objects.filter(event=event).order_by("pk")[: count // 4])  # A01…
        for booth, exhibitor in zip(booths, exhibitors[(count // 4) % 50 :], strict=False):
            booking = booth_hold(event=event, booth=booth, exhibitor=exhibitor)
            booking_approve(booking=booking_request(booking=booking, **INVOICE), by=None)
        events[count] = event
    sessions = []
    for exhibitor in exhibitors:
        client = Client()
        client.force_login(exhibitor.members.get().user)
        sessions.append(client.cookies["sessionid"].value)
    return events, sessions


def make_exhibitor(n: int):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=f"bench-{n}@example.com", email=f"bench-{n}@example.com"
    )
    exhibitor = exhibitor_create(
        user=user,
        name=f"bench-{n} Công ty Cổ phần Giải pháp Số Hải Phòng",
        tax_code=tax_code(n),
        sector="software",
        contact_name="Bench",
        contact_phone="0912345678",
        contact_email=user.email,
    )
    assert exhibitor.slug.startswith("bench-")
    return exhibitor


def shape(kind, label, x, y, w, d) -> dict:
    return {
        "kind": kind,
        "label": label,
        "label_en": "",
        **dict(zip(("x_m", "y_m", "width_m", "depth_m"), map(Decimal, (x, y, w, d)), strict=True)),
    }


INVOICE = {
    "invoice_company": "Công ty Cổ phần Giải pháp Số Hải Phòng",
    "invoice_tax_code": "0100109106",
    "invoice_address": "18 Hoàng Diệu, Hồng Bàng, Hải Phòng",
    "invoice_email": "hoadon@example.com",
}


def queries_of_floor_plan(event) -> int:
    """The queries of the whole floor-plan page (middleware, template, fragments)."""
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host
    client.get(f"/exhibition/{event.slug}/")  # warm the site's cached fragments
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/exhibition/{event.slug}/")
    assert response.status_code == 200
    return len(queries)


def server_time(event, runs=50) -> tuple[float, float]:
    """Median and p95 (ms) of the floor-plan page rendered in-process: the server's own time."""
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host
    client.get(f"/exhibition/{event.slug}/")
    times = []
    for _ in range(runs):
        elapsed, response = timed(lambda: client.get(f"/exhibition/{event.slug}/"))
        assert response.status_code == 200 and response.content.count(b'class="fp-booth ') > 0
        times.append(elapsed * 1000)
    return statistics.median(times), pct(times, 95)


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
        "queries of the floor-plan page: "
        f"{queries_of_floor_plan(events[20])} at 20 booths, "
        f"{queries_of_floor_plan(events[200])} at 200 booths"
    )
    for count, event in events.items():
        median, p95 = server_time(event)
        print(
            f"floor-plan page server time in-process ({count} booths, 50 renders): "
            f"median {median:.1f} ms, p95 {p95:.1f} ms"
        )
    server = start_server()
    try:
        for count, event in events.items():
            url = f"{BASE}/exhibition/{event.slug}/"
            requests.get(url, timeout=30)  # warm up

            def get_plan(_i, url=url):
                elapsed, response = timed(lambda: requests.get(url, timeout=30))
                if response.status_code != 200:
                    raise SystemExit(
                        f"floor plan answered {response.status_code}: {response.text[:300]}"
                    )
                return elapsed

            wall, latencies = timed(
                lambda get_plan=get_plan: list(ThreadPoolExecutor(8).map(get_plan, range(200)))
            )
            print(
                f"floor plan ({count} booths) over HTTP, 200 GETs by 8 clients: "
                f"{200 / wall:.0f} req/s, median {statistics.median(latencies) * 1000:.0f} ms, "
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
        BoothBooking.objects.filter(booth__event__slug=SLUG, booth__code="A60").delete()

        def distinct(i):
            elapsed, response = timed(lambda: hold(sessions[i], f"A{i + 101}"))  # free ones
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
