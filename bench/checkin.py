"""Door check-in under load: gunicorn + PostgreSQL, distinct badges scanned over HTTP.

    .venv/bin/python bench/checkin.py

Prints scans per second, p50/p95/p99 latency and the server's CPU time per scan (gunicorn, and
the PostgreSQL backends) for 1, 8 and 32 concurrent clients (each client scans the next badge as
soon as it has its answer), the SQL queries of one scan, and the p95 of the accent-blind search
over 10,000 registrations.

The server runs with the project's own ``gunicorn.conf.py`` (threaded workers, keep-alive), as
in production; each client keeps its connection alive, as a phone's browser does. Every level
scans all the badges again at a check-in list (a hall) of its own, so that no scan is a repeat;
between levels the bench runs ANALYZE, as autovacuum would within its minute on a real morning
(the scan's prepared plans are made for the table's size at the time).

Environment: ``DATABASE_URL`` (PostgreSQL; default postgres://postgres@127.0.0.1:5432/
forumhall_bench, created if missing), ``BENCH_PORT`` (8103), ``BENCH_SECONDS`` (per concurrency
level, default 6), ``BENCH_LEVELS`` (1,8,32), ``BENCH_KEEPALIVE=0`` (a new connection per
scan); ``GUNICORN_WORKERS``, ``GUNICORN_THREADS``, ``GUNICORN_WORKER_CLASS`` and
``GUNICORN_WORKER_CONNECTIONS`` override ``gunicorn.conf.py``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/forumhall_bench"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL.startswith("postgres"):
    DATABASE_URL = DEFAULT_DB
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8103"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
KEEPALIVE = os.environ.get("BENCH_KEEPALIVE", "1") == "1"
LEVELS = tuple(int(n) for n in os.environ.get("BENCH_LEVELS", "1,8,32").split(","))
REGISTRATIONS = 10_000
SECRET = "bench-only-not-secret-" + "x" * 40

SERVER_ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": SECRET,
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "ERROR",
    # The device limits stay on (every search is counted) but never refuse the bench's searches.
    "CHECKIN_SEARCH_RATE_LIMIT": "100000/60",
    "GUNICORN_BIND": f"{HOST}:{PORT}",
}
os.environ.update(SERVER_ENV)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
SURNAMES += ["Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Ngọc", "Xuân", "Hoàng", "Anh"]
GIVENS = ["Khoa", "Hà", "Anh", "Bảo", "Cường", "Dũng", "Giang", "Hải", "Hương", "Khánh", "Lan"]
GIVENS += ["Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Thảo", "Trang", "Tuấn"]
ORGS = ["Sở Thông tin và Truyền thông", "Viettel Hải Phòng", "BKAV", "FPT", "MobiFone"]
ORGS += ["Báo Hải Phòng", "UBND quận Hồng Bàng", "Đại học Hàng hải", "VNPT", "Cảng Hải Phòng"]


def ensure_database() -> None:
    import psycopg

    parts = urllib.parse.urlparse(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare():
    """Migrate, then a fresh bench event: 10,000 confirmed registrations, one hall per level and
    one for the warm-up, a device."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from events.checkin.services import checkin_list_upsert, device_create
    from events.models import AttendeeCategory, CheckIn, CheckInList, Event, Registration, ScanLog
    from events.services import event_upsert

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    old = Event.objects.filter(slug="bench-checkin")
    ScanLog.objects.filter(event__in=old).delete()
    CheckIn.objects.filter(checkin_list__event__in=old).delete()
    Registration.objects.filter(event__in=old).delete()
    old.delete()
    # The rows just deleted stay in the tables and their indexes as dead tuples until a vacuum;
    # where autovacuum is off (as on these machines), each run would search and scan through the
    # leftovers of all the runs before it (seen: 480,000 dead registrations, the search 3× slower).
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM FULL "
            + ", ".join(
                model._meta.db_table for model in (CheckIn, ScanLog, Registration, CheckInList)
            )
        )
    event, _created = event_upsert(
        slug="bench-checkin",
        name="Bench forum",
        starts_at="2023-12-27T08:00:00+07:00",
        ends_at="2030-12-27T17:00:00+07:00",
    )
    category = AttendeeCategory.objects.create(event=event, name="Đại biểu", slug="dai-bieu")
    halls = [
        checkin_list_upsert(event=event, name=f"Hội trường {n}", gates="Cổng 1")[0].pk
        for n in range(1 + len(LEVELS))
    ]
    rng = random.Random(5)
    people = []
    for n in range(REGISTRATIONS):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"
        person = Registration(
            event=event,
            category=category,
            full_name=name,
            email=f"guest{n}@example.com",
            organization=rng.choice(ORGS),
            phone=f"09{rng.randrange(10**8):08d}",
            status="confirmed",
        )
        person.refresh_search_key()
        people.append(person)
    Registration.objects.bulk_create(people, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such a load
    device, token = device_create(event=event, name="Bench scanner")
    tokens = list(Registration.objects.filter(event=event).values_list("token", flat=True))
    return halls, token, tokens


def queries_per_scan(list_id: int, device_token: str, badge: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    body = json.dumps({"token": badge, "list": list_id, "nonce": "q-count"})
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/api/checkin/",
            body,
            content_type="application/json",
            headers={"authorization": f"Bearer {device_token}"},
        )
    assert response.json()["status"] == "ok", response.content
    return len(ctx.captured_queries)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def server_cpu(master: int) -> dict[tuple[str, int], float]:
    """CPU seconds of gunicorn (master and workers) and of the PostgreSQL backends serving the
    bench database: the cost of the scans on the server side, whatever else runs on the box."""
    from django.db import connection

    pids = {master}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == master:
                        pids.add(int(entry))
            except OSError:
                pass
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = {row[0] for row in cursor.fetchall()}
    return {("app", pid): process_cpu(pid) for pid in pids} | {
        ("db", pid): process_cpu(pid) for pid in backends
    }


def start_server() -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--config", str(ROOT / "gunicorn.conf.py"), "--log-level", "warning"]
        + ["config.wsgi"],
        cwd=ROOT,
        env=SERVER_ENV,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, PORT), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not start on {HOST}:{PORT}")


def server_description() -> str:
    """Workers, class and threads as gunicorn.conf.py (and its environment) set them."""
    import runpy

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return f"{conf['workers']} {conf['worker_class']} workers × {conf['threads']} threads"


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)


class HTTPClient:
    """A minimal HTTP/1.1 client: one kept-alive connection (reopened when the server closes it)
    or, with BENCH_KEEPALIVE=0, a new connection per request."""

    def __init__(self, keepalive: bool = KEEPALIVE):
        self.keepalive = keepalive
        self.reader = self.writer = None

    @staticmethod
    def encode(method: str, path: str, headers: dict, body: bytes = b"", keepalive=KEEPALIVE):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
        lines.append("Connection: keep-alive" if keepalive else "Connection: close")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send an encoded request, return the status code and the body of the answer."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, PORT)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lower = head.lower()
        at = lower.index(b"content-length:") + 15
        payload = await self.reader.readexactly(int(lower[at : lower.index(b"\r\n", at)]))
        if not self.keepalive or b"connection: close" in lower:
            self.writer.close()
            self.reader = self.writer = None
        return int(head[9:12]), payload

    async def request(self, method: str, path: str, headers: dict, body: bytes = b""):
        return await self.send(self.encode(method, path, headers, body, self.keepalive))


async def request(method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, bytes]:
    """One request on a connection of its own."""
    return await HTTPClient(keepalive=False).request(method, path, headers, body)


async def run_level(clients: int, list_id: int, device_token: str, badges: list[str]):
    """``clients`` scanners, each sending its next scan as soon as it has its answer, for
    ``SECONDS``. The requests are encoded before the clock starts and the answers read after it
    stops, so that the client, which shares the machine, costs the server as little as it can."""
    headers = {"Authorization": f"Bearer {device_token}", "Content-Type": "application/json"}
    requests = (
        HTTPClient.encode(
            "POST",
            "/api/checkin/",
            headers,
            json.dumps({"token": badge, "list": list_id, "nonce": f"{badge[:12]}-{n}"}).encode(),
        )
        for n, badge in enumerate(badges)
    )
    queue = iter(list(requests))
    latencies: list[float] = []
    answers: list[tuple[int, bytes]] = []
    stop_at = time.perf_counter() + SECONDS

    async def client():
        http = HTTPClient()
        for raw in queue:
            if time.perf_counter() > stop_at:
                break
            started = time.perf_counter()
            answers.append(await http.send(raw))
            latencies.append(time.perf_counter() - started)
        if http.writer is not None:
            http.writer.close()

    # The clients share one process: a full collection of its garbage (measured: 130 ms, once
    # per level at 32 clients) would stall every scan in flight and be counted as the server's.
    gc.collect()
    gc.disable()
    started = time.perf_counter()
    try:
        await asyncio.gather(*(client() for _n in range(clients)))
    finally:
        elapsed = time.perf_counter() - started
        gc.enable()
    statuses: dict[str, int] = {}
    for code, payload in answers:
        key = json.loads(payload).get("reason") or "ok" if code == 200 else f"http {code}"
        statuses[key] = statuses.get(key, 0) + 1
    return len(latencies) / elapsed, latencies, statuses


def analyze() -> None:
    """What autovacuum does within a minute of a table's growth: fresh statistics, and with them
    fresh plans for the scan's prepared statements."""
    from django.db import connection

    from events.models import CheckIn, ScanLog

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {CheckIn._meta.db_table}, {ScanLog._meta.db_table}")


async def run_search(list_id: int, device_token: str) -> list[float]:
    headers = {"Authorization": f"Bearer {device_token}"}
    rng = random.Random(7)
    queries = ["nguyen van khoa", "do thi", "tran thi", "hai phong", "viettel", "pham minh"]
    # Three letters at least (the API refuses shorter searches): a middle name and a given name.
    queries += [f"{rng.choice(MIDDLES)} {rng.choice(GIVENS)}" for _ in range(20)] + [
        "0912",
        "guest12",
    ]
    latencies = []
    for _round in range(8):
        for query in queries:
            path = f"/api/checkin/search/?list={list_id}&q={urllib.parse.quote(query)}"
            started = time.perf_counter()
            code, _payload = await request("GET", path, headers)
            latencies.append(time.perf_counter() - started)
            assert code == 200, (code, _payload[:200])
    return latencies


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> None:
    ensure_database()
    halls, device_token, badges = prepare()
    list_id = halls[0]
    rng = random.Random(11)
    rng.shuffle(badges)
    print(
        f"PostgreSQL: {DATABASE_URL.rsplit('@', 1)[-1]}; gunicorn: {server_description()};"
        f" keep-alive: {KEEPALIVE}"
    )
    queries = queries_per_scan(list_id, device_token, badges.pop())
    print(f"SQL queries for one scan (device token, nonce): {queries}")
    server = start_server()
    try:
        # Warm-up: every worker thread opens its database connection and prepares its statements.
        asyncio.run(run_level(32, list_id, device_token, [badges.pop() for _ in range(1000)]))
        columns = ("clients", "scans", "scans/s", "p50 ms", "p95 ms", "p99 ms", "app ms", "db ms")
        print(" ".join(f"{name:>8}" for name in columns), " answers")
        cores = os.cpu_count() or 1
        for clients, hall in zip(LEVELS, halls[1:], strict=True):
            analyze()
            batch = badges[:]
            before = server_cpu(server.pid)
            rate, latencies, statuses = asyncio.run(run_level(clients, hall, device_token, batch))
            after = server_cpu(server.pid)
            used = {"app": 0.0, "db": 0.0}
            for key, seconds in after.items():
                used[key[0]] += seconds - before.get(key, 0.0)
            app, db = (1000 * used[side] / len(latencies) for side in ("app", "db"))
            p50, p95, p99 = (1000 * percentile(latencies, p) for p in (50, 95, 99))
            print(
                f"{clients:>8} {len(latencies):>8} {rate:>8.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}"
                f" {app:>8.2f} {db:>8.2f}  {statuses}"
            )
        print(
            f"app ms, db ms: server CPU per scan (gunicorn; PostgreSQL). At the last level:"
            f" at most {1000 * cores / (app + db):.0f} scans/s on {cores} otherwise idle cores"
        )
        with open("/proc/loadavg") as loadavg:
            print(f"load average during the run: {loadavg.read().split()[0]} on {cores} cores")
        search = asyncio.run(run_search(list_id, device_token))
        p50, p95 = 1000 * statistics.median(search), 1000 * percentile(search, 95)
        print(
            f"search over {REGISTRATIONS} registrations (HTTP, 1 client, {len(search)} queries): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
        )
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
