"""The multi-server deployment of deploy/ on loopback, under load and under faults.

Starts, each on ports of its own and in a scratch folder: a private PostgreSQL cluster (initdb
from Debian's binaries; optionally PgBouncer in front, ``--pgbouncer``), a Redis server, an S3
server (moto) holding the media, a mail server that records what it receives (aiosmtpd), two
gunicorn instances (production settings) behind nginx (deploy/nginx/forumhall.conf, only its
addresses and paths rewritten), two task workers (``manage.py run_worker``) and, as systemd's
timer would, ``send_pending_emails`` every 20 s. A supervisor thread restarts a dead web server
or worker after 2 s (``Restart=on-failure``, ``RestartSec=2s`` of deploy/systemd).

Then about a minute of mixed load through nginx (page views, public registrations whose
confirmation link is read from the email received, door scans, booth holds by exhibitors, a
badge sheet and a proceedings build), and meanwhile: one gunicorn instance killed (SIGKILL),
one task worker killed, Redis restarted, PostgreSQL restarted. It prints per kind: requests,
answers by status, throughput, p50/p95; and the audit: rows vs acknowledged actions, emails
received vs queued, duplicates, tasks unfinished. Then (unless ``--no-ratio``) 20 s of page
views and scans with one app instance, then with two: the throughput ratio.

    .venv/bin/python bench/scaleout.py [--seconds 60] [--pgbouncer] [--no-ratio]

Everything it started is stopped at the end, whatever happens (process groups, try/finally).
Needs nginx, PgBouncer (scripts/system-deps deploy), redis-server and PostgreSQL's binaries.
"""

import argparse
import contextlib
import itertools
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factories.servers import (  # noqa: E402
    PostgresCluster,
    RedisServer,
    S3Server,
    free_port,
    wait_for_port,
)

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
CSRF = "c" * 32
SLUG = "scaleout"
SCAN_GUESTS = 4000
SHEET_GUESTS = 240
BOOTHS = 30
EXHIBITORS = 24


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


# --- Processes ------------------------------------------------------------------------------


class Service:
    """A process in a group of its own (so that a kill reaches gunicorn's workers too)."""

    def __init__(self, name: str, argv: list[str], env: dict, folder: Path, supervised=True):
        self.name, self.argv, self.env = name, argv, env
        self.log = folder / f"{name}.log"
        self.supervised = supervised
        self.process = None
        self.wanted = True
        self.restarts = 0
        self.start()

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def kill(self) -> None:
        """A crash: SIGKILL to the whole group; the supervisor starts it again."""
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        self.wanted = False
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=10)


class Supervisor(threading.Thread):
    """systemd's ``Restart=on-failure`` with ``RestartSec=2s``, for the services it is given."""

    def __init__(self):
        super().__init__(daemon=True)
        self.services: list[Service] = []
        self.halt = threading.Event()

    def run(self) -> None:
        dead_since: dict[str, float] = {}
        while not self.halt.wait(0.25):
            for service in list(self.services):
                if not service.wanted or service.alive():
                    dead_since.pop(service.name, None)
                    continue
                since = dead_since.setdefault(service.name, time.monotonic())
                if time.monotonic() - since >= 2.0:
                    service.start()
                    service.restarts += 1
                    dead_since.pop(service.name, None)


class PgBouncer:
    """PgBouncer 1.18 in transaction mode in front of the cluster (deploy/pgbouncer/)."""

    def __init__(self, cluster: PostgresCluster, folder: Path):
        self.port = free_port()
        self.folder = folder
        template = (ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text()
        ini = re.sub(
            r"(?m)^forumhall = .*$", f"forumhall = host=127.0.0.1 port={cluster.port}", template
        )
        for key, value in {
            "listen_addr": "127.0.0.1",
            "listen_port": str(self.port),
            "auth_type": "trust",
            "auth_file": str(folder / "userlist.txt"),
            "logfile": str(folder / "pgbouncer.log"),
            "pidfile": str(folder / "pgbouncer.pid"),
            "unix_socket_dir": "",
        }.items():
            ini = re.sub(rf"(?m)^;?\s*{key}\s*=.*$", f"{key} = {value}", ini)
        (folder / "userlist.txt").write_text('"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(ini)
        if cluster.user is not None:
            for path in (folder, folder / "userlist.txt", folder / "pgbouncer.ini"):
                os.chown(path, cluster.user.pw_uid, cluster.user.pw_gid)
        argv = ["pgbouncer", str(folder / "pgbouncer.ini")]
        if cluster.user is not None:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class Nginx:
    """Debian's nginx with deploy/nginx/forumhall.conf, its addresses and paths rewritten."""

    def __init__(self, folder: Path, static_root: Path, s3: S3Server):
        self.port = free_port()
        self.folder = folder
        self.static_root = static_root
        self.s3 = s3
        self.conf = folder / "nginx.conf"
        self.process = None

    def write(self, app_ports: list[int]) -> None:
        site = (ROOT / "deploy" / "nginx" / "forumhall.conf").read_text()
        upstream = "".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in app_ports
        )
        site = re.sub(
            r"(upstream forumhall_app \{\n(?:\s*#.*\n)*)(?:\s*server .*\n)+",
            r"\1" + upstream.replace("\\", "\\\\"),
            site,
        )
        site = re.sub(
            r"(upstream forumhall_media \{\n(?:\s*#.*\n)*)\s*server .*\n",
            rf"\1    server 127.0.0.1:{self.s3.port};\n",
            site,
        )
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        site = site.replace("server_name forum.example.vn;", "server_name 127.0.0.1;")
        site = site.replace("/srv/forumhall/staticfiles/", f"{self.static_root}/")
        site = site.replace("/forumhall-media/;", f"/{self.s3.bucket}/;")
        site = site.replace("/srv/forumhall/app/", f"{ROOT}/")
        temp = self.folder / "nginx-temp"
        temp.mkdir(exist_ok=True)
        self.conf.write_text(
            f"""daemon off;
user root;
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""
        )

    def start(self, app_ports: list[int]) -> None:
        self.write(app_ports)
        command = ["nginx", "-p", str(self.folder), "-c", str(self.conf)]
        subprocess.run([*command, "-t", "-q"], check=True)
        self.process = subprocess.Popen(command, start_new_session=True)
        wait_for_port(self.port)

    def reload(self, app_ports: list[int]) -> None:
        self.write(app_ports)
        self.process.send_signal(signal.SIGHUP)
        time.sleep(1.5)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


class Inbox:
    """A mail server (aiosmtpd) that keeps every message it is handed."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.lock = threading.Lock()
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = message_from_bytes(envelope.content, policy=default_policy)
                with inbox.lock:
                    inbox.messages.append((list(envelope.rcpt_tos), message))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def snapshot(self) -> list:
        with self.lock:
            return list(self.messages)

    def stop(self) -> None:
        self.controller.stop()


# --- Load -----------------------------------------------------------------------------------


class Recorder:
    """Answers per kind: (second since start, status, latency)."""

    def __init__(self):
        self.rows: dict[str, list[tuple[float, object, float]]] = defaultdict(list)
        self.lock = threading.Lock()
        self.t0 = time.monotonic()

    def add(self, kind: str, status, latency: float) -> None:
        with self.lock:
            self.rows[kind].append((time.monotonic() - self.t0, status, latency))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Client:
    """One kept-alive connection to nginx; cookies sent by hand (production cookies are Secure
    and the bench speaks plain HTTP to nginx, as a TLS terminator would)."""

    def __init__(self, base: str, recorder: Recorder, cookies: dict | None = None):
        self.base, self.recorder = base, recorder
        self.http = requests.Session()
        self.http.trust_env = False
        self.cookies = {"csrftoken": CSRF, **(cookies or {})}

    def call(self, kind: str, method: str, path: str, **kwargs):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-CSRFToken": CSRF,
            "Referer": self.base + path,
            # A client's own X-Forwarded-For is replaced by nginx (the rate limit's address).
            "X-Forwarded-For": f"203.0.113.{random.randrange(1, 250)}",
            **kwargs.pop("headers", {}),
        }
        started = time.monotonic()
        try:
            response = self.http.request(
                method,
                self.base + path,
                headers=headers,
                timeout=30,
                allow_redirects=False,
                **kwargs,
            )
            self.http.cookies.clear()
        except requests.RequestException as error:
            self.recorder.add(kind, type(error).__name__, time.monotonic() - started)
            return None
        self.recorder.add(kind, response.status_code, time.monotonic() - started)
        return response


class Load:
    """The mixed load; what was acknowledged is kept for the audit."""

    def __init__(self, base: str, recorder: Recorder, fixture: dict, inbox: Inbox):
        self.base, self.recorder, self.fixture, self.inbox = base, recorder, fixture, inbox
        self.halt = threading.Event()
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.registered: dict[str, object] = {}  # email -> status (302: acknowledged)
        self.confirmed: dict[str, object] = {}
        self.scans: dict[str, object] = {}  # badge token -> first answer ("ok", status…)
        self.holds: list[tuple[int, str, object]] = []  # exhibitor, booth, answer
        self.scan_queue = list(fixture["scan_tokens"])
        random.Random(7).shuffle(self.scan_queue)

    def pages(self) -> None:
        client = Client(self.base, self.recorder)
        paths = self.fixture["pages"]
        while not self.halt.is_set():
            path = random.choice(paths)
            kind = path.split("/")[1] if path.startswith(("/static/", "/media/")) else "page"
            client.call(kind, "GET", path)

    def register(self) -> None:
        client = Client(self.base, self.recorder)
        path = f"/register/{SLUG}/"
        while not self.halt.is_set():
            n = next(self.counter)
            email = f"guest{n}@scaleout.example"
            data = {
                "full_name": f"Nguyễn Văn Khoa {n}",
                "email": email,
                "phone": "0912 345 678",
                "organization": "Sở Thông tin và Truyền thông Hải Phòng",
                "title": "Chuyên viên",
                "category": self.fixture["public_category"],
                "consent": "on",
                "csrfmiddlewaretoken": CSRF,
            }
            response = client.call("register", "POST", path, data=data)
            with self.lock:
                self.registered[email] = response.status_code if response is not None else "exc"

    def confirm(self) -> None:
        """Reads the confirmation links from the emails received, and follows them."""
        client = Client(self.base, self.recorder)
        done: set[str] = set()
        pattern = re.compile(r"/register/confirm/([^/\s\"<>]+)/")
        while not self.halt.is_set():
            links = []
            for recipients, message in self.inbox.snapshot():
                email = recipients[0]
                if email in done or not email.endswith("@scaleout.example"):
                    continue
                body = message.get_body(("plain", "html"))
                found = pattern.search(body.get_content() if body else "")
                if found:
                    links.append((email, found.group(0)))
                    done.add(email)
            for email, link in links:
                if self.halt.is_set():
                    break
                response = client.call("confirm", "POST", link, data={"csrfmiddlewaretoken": CSRF})
                with self.lock:
                    self.confirmed[email] = response.status_code if response is not None else "exc"
            time.sleep(0.3)

    def scan(self) -> None:
        client = Client(self.base, self.recorder)
        headers = {"Authorization": f"Bearer {self.fixture['device_token']}"}
        while not self.halt.is_set():
            with self.lock:
                if not self.scan_queue:
                    return
                token = self.scan_queue.pop()
            body = {"token": token, "list": self.fixture["list_id"], "nonce": f"s-{token[:16]}"}
            response = client.call("scan", "POST", "/api/checkin/", json=body, headers=headers)
            answer = "exc"
            if response is not None:
                answer = response.status_code
                if response.status_code == 200:
                    answer = response.json().get("status")
            with self.lock:
                self.scans[token] = answer

    def hold(self, index: int) -> None:
        exhibitor, session = self.fixture["exhibitors"][index]
        client = Client(self.base, self.recorder, {"sessionid": session})
        rng = random.Random(index)
        while not self.halt.is_set():
            code = f"B{rng.randrange(1, BOOTHS + 1):02d}"
            response = client.call(
                "booth hold",
                "POST",
                f"/exhibition/{SLUG}/booths/{code}/hold/",
                headers={"Accept": "application/json"},
            )
            with self.lock:
                answer = response.status_code if response is not None else "exc"
                self.holds.append((exhibitor, code, answer))
            time.sleep(0.5)

    def threads(self) -> list[threading.Thread]:
        work = [self.pages] * 3 + [self.register] * 2 + [self.confirm] + [self.scan] * 2
        work += [lambda i=i: self.hold(i) for i in range(2)]
        return [threading.Thread(target=fn, daemon=True) for fn in work]


def print_answers(recorder: Recorder, seconds: float) -> None:
    print(f"\n{'kind':<11}{'requests':>9}{'per s':>8}{'p50 ms':>8}{'p95 ms':>8}  answers")
    for kind, rows in sorted(recorder.rows.items()):
        latencies = [latency * 1000 for _t, _s, latency in rows]
        statuses = Counter(str(status) for _t, status, _l in rows)
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        print(
            f"{kind:<11}{len(rows):>9}{len(rows) / seconds:>8.1f}"
            f"{percentile(latencies, 0.5):>8.0f}{percentile(latencies, 0.95):>8.0f}  {answers}"
        )
        for status in sorted(s for s in statuses if s not in ("200", "201", "302", "409")):
            moments = [t for t, s, _l in rows if str(s) == status]
            print(f"{'':<44}{status} between {min(moments):.1f} and {max(moments):.1f} s")
    others = Counter(
        str(status)
        for rows in recorder.rows.values()
        for _t, status, _l in rows
        if not (isinstance(status, int) and (200 <= status < 500 or status == 503))
    )
    print(f"answers other than 2xx/3xx/4xx/503: {sum(others.values())} {dict(others)}")


# --- Main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pgbouncer", action="store_true", help="PgBouncer (transaction mode)")
    parser.add_argument("--no-ratio", action="store_true", help="skip the 1-vs-2 instance run")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    args = parser.parse_args()
    for tool in ("nginx", "redis-server") + (("pgbouncer",) if args.pgbouncer else ()):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: scripts/system-deps deploy")

    folder = Path(tempfile.mkdtemp(prefix="fh-scaleout-"))
    stack = contextlib.ExitStack()
    previous = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        run(args, folder, stack)
    finally:
        stack.close()
        signal.signal(signal.SIGTERM, previous)
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for path in folder.glob("*.log"):
                shutil.copy(path, args.logs / path.name)
        shutil.rmtree(folder, ignore_errors=True)


def run(args, folder: Path, stack: contextlib.ExitStack) -> None:
    started = time.monotonic()
    cluster = PostgresCluster()
    stack.callback(cluster.close)
    pg_port = cluster.port
    if args.pgbouncer:
        bouncer = PgBouncer(cluster, Path(tempfile.mkdtemp(prefix="fh-pgb-")))
        stack.callback(bouncer.stop)
        pg_port = bouncer.port
    redis = RedisServer()
    stack.callback(redis.stop)
    s3 = S3Server()
    s3.allow_anonymous_reads()  # nginx reads /media/ from the bucket (docs/deploy.md)
    stack.callback(s3.stop)
    inbox = Inbox()
    stack.callback(inbox.stop)
    static_root = folder / "static"
    nginx = Nginx(folder, static_root, s3)
    stack.callback(nginx.stop)

    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE forumhall")
        # Behind PgBouncer the `options` startup parameter is ignored: the timeout is the
        # database's own setting (docs/deploy.md).
        admin.execute("ALTER DATABASE forumhall SET statement_timeout = '30s'")
    base = f"http://127.0.0.1:{nginx.port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "AWS_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "scaleout-bench-only-" + "s" * 40,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/forumhall",
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": s3.bucket,
        "AWS_S3_ENDPOINT_URL": s3.endpoint,
        "AWS_ACCESS_KEY_ID": s3.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": s3.SECRET_KEY,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_CUSTOM_DOMAIN": f"127.0.0.1:{nginx.port}/media",
        "AWS_S3_URL_PROTOCOL": "http:",
        "STATIC_ROOT": str(static_root),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(inbox.port),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BASE_URL": base,
        "RATE_LIMIT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "REGISTRATION_RATE_LIMIT": "100000/600",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
        # Time runs faster here: leases of 30 s (production: 5 and 3 minutes), so that an
        # email or a job whose worker was killed is taken up again within the drain.
        "MAIL_SEND_LEASE_SECONDS": "30",
        "JOB_LEASE_SECONDS": "30",
    }
    if args.pgbouncer:
        env.update(DATABASE_PREPARED_STATEMENTS="0", DATABASE_SERVER_SIDE_CURSORS="0")
        env["DATABASE_STATEMENT_TIMEOUT"] = "0"
    os.environ.update(env)
    manage = [PYTHON, "manage.py"]
    for step in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run(manage + step, cwd=ROOT, env=env, check=True)
    log(f"migrated and collected in {time.monotonic() - started:.0f} s; seeding")
    fixture = seed(base)
    log(f"seeded ({time.monotonic() - started:.0f} s since start)")

    supervisor = Supervisor()
    supervisor.start()
    stack.callback(supervisor.halt.set)
    web_ports = [free_port(), free_port()]
    web = []
    for n, port in enumerate(web_ports, start=1):
        service = Service(
            f"web{n}",
            [GUNICORN, "config.wsgi"],
            {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            folder,
        )
        stack.callback(service.stop)
        web.append(service)
    workers = []
    for n in (1, 2):
        service = Service(f"worker{n}", [*manage, "run_worker"], env, folder)
        stack.callback(service.stop)
        workers.append(service)
    supervisor.services += web + workers
    for port in web_ports:
        wait_for_port(port, seconds=120)
    nginx.start(web_ports)
    fixture["pages"] += assets(base, fixture["pages"])
    log(
        f"topology up: nginx :{nginx.port} → gunicorn :{web_ports[0]} :{web_ports[1]}; "
        f"PostgreSQL :{cluster.port}{' via PgBouncer :' + str(pg_port) if args.pgbouncer else ''}, "
        f"Redis :{redis.port}, S3 :{s3.port}, SMTP :{inbox.port}"
    )

    recorder = Recorder()
    load = Load(base, recorder, fixture, inbox)
    threads = load.threads()
    faults: list[str] = []
    stop_sweeps = threading.Event()
    sweeper = threading.Thread(target=sweep, args=(manage, env, stop_sweeps), daemon=True)
    sweeper.start()
    stack.callback(stop_sweeps.set)
    for thread in threads:
        thread.start()
    seconds = args.seconds
    plan = [
        (0.08, "badge sheet", lambda: enqueue_sheet(fixture)),
        (0.13, "proceedings", lambda: enqueue_book(fixture)),
        (0.20, "kill gunicorn web1", web[0].kill),
        (0.33, "kill worker1", workers[0].kill),
        (0.50, "restart Redis", lambda: restart_redis(redis)),
        (0.70, "restart PostgreSQL", lambda: restart_postgres(cluster)),
    ]
    t0 = time.monotonic()
    try:
        for share, label, action in plan:
            time.sleep(max(0.0, t0 + share * seconds - time.monotonic()))
            log(f"t={time.monotonic() - t0:4.1f} s  {label}")
            action()
            faults.append(f"{time.monotonic() - t0:.1f} s {label}")
        time.sleep(max(0.0, t0 + seconds - time.monotonic()))
    finally:
        load.halt.set()
        for thread in threads:
            thread.join(timeout=40)
    elapsed = time.monotonic() - t0
    log("load stopped; draining the outbox and the tasks (at most 120 s)")
    drained = drain(fixture, load, inbox, seconds=120)
    print(
        f"\n== Mixed load with faults: {elapsed:.0f} s, 2 gunicorn × 2 processes × 4 threads, "
        f"2 workers{', PgBouncer (transaction mode)' if args.pgbouncer else ''}"
    )
    print("faults: " + "; ".join(faults))
    print(
        "restarts by the supervisor: " + ", ".join(f"{s.name} {s.restarts}" for s in web + workers)
    )
    print_answers(recorder, elapsed)
    audit(fixture, load, inbox, drained)

    if not args.no_ratio:
        ratio(base, fixture, nginx, web_ports, web)


def sweep(manage, env, halt: threading.Event) -> None:
    """``send_pending_emails`` every 20 s, as deploy/systemd/forumhall-sweep.timer does."""
    while not halt.wait(20):
        subprocess.run([*manage, "send_pending_emails"], cwd=ROOT, env=env, capture_output=True)


def restart_redis(redis: RedisServer) -> None:
    redis.stop()
    time.sleep(1)
    redis.start()


def restart_postgres(cluster: PostgresCluster) -> None:
    cluster.stop("fast")
    time.sleep(1)
    cluster.start()


# --- Data (the bench process speaks to the database through the ORM) ----------------------


def seed(base: str) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client as DjangoClient
    from django.utils import timezone

    from cms.models import ForumPage
    from events.checkin.services import checkin_list_upsert, device_create
    from events.models import AttendeeCategory, Registration
    from events.services import event_upsert
    from exhibitors.services import booth_upsert, exhibition_settings_update, exhibitor_create

    call_command("createcachetable", verbosity=0)
    call_command("load_demo", verbosity=0)
    now = timezone.now()
    event, _ = event_upsert(
        slug=SLUG,
        name="Diễn đàn tải cao",
        starts_at=now + timezone.timedelta(days=20),
        ends_at=now + timezone.timedelta(days=20, hours=8),
    )
    public = AttendeeCategory.objects.create(
        event=event, name="Khách mời", slug="khach-moi", capacity=100000
    )
    door = AttendeeCategory.objects.create(event=event, name="Đại biểu", slug="dai-bieu")
    sheet = AttendeeCategory.objects.create(event=event, name="Báo chí", slug="bao-chi")
    people = []
    for n in range(SCAN_GUESTS + SHEET_GUESTS):
        person = Registration(
            event=event,
            category=door if n < SCAN_GUESTS else sheet,
            full_name=f"Trần Thị Mai {n}",
            email=f"door{n}@door.example",
            status="confirmed",
        )
        person.refresh_search_key()
        people.append(person)
    Registration.objects.bulk_create(people, batch_size=2000)
    checkin_list = checkin_list_upsert(event=event, name="Hội trường A", gates="Cổng 1")[0]
    _device, token = device_create(event=event, name="Cổng 1")
    exhibition_settings_update(event=event, booking_open=True, max_booths_per_exhibitor=2)
    for i in range(BOOTHS):
        booth_upsert(
            event=event,
            code=f"B{i + 1:02d}",
            tier="standard",
            price_vnd=12_000_000,
            x_m=1 + Decimal("3.2") * (i % 10),
            y_m=1 + Decimal("7.2") * (i // 10),
        )
    exhibitors = []
    User = get_user_model()
    for n in range(EXHIBITORS):
        email = f"expo{n}@scaleout.example"
        user = User.objects.create_user(username=email, email=email)
        exhibitor = exhibitor_create(
            user=user,
            name=f"Công ty Tải cao {n}",
            tax_code=tax_code(n),
            sector="software",
            contact_name="Lê Văn Bình",
            contact_phone="0912345678",
            contact_email=email,
        )
        client = DjangoClient()
        client.force_login(user)
        exhibitors.append((exhibitor.pk, client.cookies["sessionid"].value))
    forum = ForumPage.objects.live().filter(locale__language_code="vi").first()
    pages = ["/", forum.url, f"/register/{SLUG}/", f"/exhibition/{SLUG}/", "/healthz"]
    pages += [child.url for child in forum.get_children().live()[:4]]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # autovacuum is off on these machines
    return {
        "event_id": event.pk,
        "public_category": public.pk,
        "sheet_category": sheet.pk,
        "list_id": checkin_list.pk,
        "device_token": token,
        "scan_tokens": list(
            Registration.objects.filter(category=door).values_list("token", flat=True)
        ),
        "exhibitors": exhibitors,
        "forum_id": forum.pk,
        "pages": pages,
    }


def tax_code(n: int) -> str:
    """A valid 10-digit Vietnamese tax code (mod-11 check digit), distinct for each n."""
    prefix = 430000000 + n * 13
    while True:
        digits = [int(ch) for ch in f"{prefix:09d}"]
        weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
        check = 10 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            return f"{prefix:09d}{check}"
        prefix += 1


def assets(base: str, pages: list[str]) -> list[str]:
    """A static file and a media file (an image rendition on S3) that the pages link to."""
    found: list[str] = []
    for path in pages:
        html = requests.get(base + path, timeout=60).text
        for prefix in ("/static/", "/media/"):
            match = re.search(rf'(?:src|href)="(?:{re.escape(base)})?({prefix}[^"]+)"', html)
            if match and not any(item.startswith(prefix) for item in found):
                found.append(match.group(1))
    return found


def enqueue_sheet(fixture: dict) -> None:
    from events.models import AttendeeCategory, Event
    from events.services import badge_batch_create

    fixture["sheet_id"] = badge_batch_create(
        event=Event.objects.get(pk=fixture["event_id"]),
        category=AttendeeCategory.objects.get(pk=fixture["sheet_category"]),
    ).pk


def enqueue_book(fixture: dict) -> None:
    from cms.models import ForumPage
    from cms.proceedings.services import proceedings_build_create

    forum = ForumPage.objects.get(pk=fixture["forum_id"])
    fixture["book_id"] = proceedings_build_create(forum=forum, enqueue=True).pk


def unfinished() -> dict:
    """What is left to do now: tasks ready and due or running, emails pending and due or being
    sent, badge sheets and books not finished (retries planned for later are not counted)."""
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    from cms.proceedings.models import ProceedingsBuild
    from events.models import BadgeBatch
    from mail.models import Email

    now = timezone.now()
    due = Q(status="RUNNING") | Q(status="READY") & (
        Q(run_after=get_date_max()) | Q(run_after__lte=now)
    )
    return {
        "tasks": DBTaskResult.objects.filter(due).count(),
        "emails": Email.objects.filter(
            Q(status="sending") | Q(status="pending", next_attempt_at__lte=now)
        ).count(),
        "badge sheets": BadgeBatch.objects.exclude(status__in=["done", "failed"]).count(),
        "books": ProceedingsBuild.objects.exclude(status__in=["succeeded", "failed"]).count(),
    }


def drain(fixture, load, inbox, seconds: int) -> dict:
    from django.db import close_old_connections

    deadline = time.monotonic() + seconds
    while True:
        close_old_connections()
        try:
            left = unfinished()
        except Exception as error:  # the database may still be coming back
            left = {"error": str(error)[:80]}
        if not any(left.values()) or time.monotonic() > deadline:
            return left
        time.sleep(2)


def audit(fixture, load, inbox, left: dict) -> None:
    from django.db.models import Count

    from cms.proceedings.models import ProceedingsBuild
    from events.checkin.models import CheckIn
    from events.models import BadgeBatch, Registration
    from exhibitors.models import BoothBooking
    from mail.models import Email

    print("\n== Audit")
    rows = {
        r["email"]: r
        for r in Registration.objects.filter(email__endswith="@scaleout.example").values(
            "email", "status"
        )
    }
    acknowledged = {e for e, s in load.registered.items() if s == 302}
    unknown = {
        e
        for e, s in load.registered.items()
        if s not in (302,) and not (isinstance(s, int) and 400 <= s < 500 and s != 503)
    }
    lost = acknowledged - set(rows)
    extra = set(rows) - acknowledged
    print(
        f"registrations: {len(acknowledged)} acknowledged, {len(rows)} rows, lost {len(lost)}, "
        f"rows without an acknowledgement {len(extra)} (of {len(unknown)} answers 503/errors)"
    )
    dupes = (
        Registration.objects.filter(event_id=fixture["event_id"])
        .values("email")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    confirmed_ok = {e for e, s in load.confirmed.items() if s == 302}
    not_confirmed = [e for e in confirmed_ok if rows.get(e, {}).get("status") != "confirmed"]
    print(
        f"confirmations: {len(confirmed_ok)} acknowledged, "
        f"{sum(1 for r in rows.values() if r['status'] == 'confirmed')} confirmed rows, "
        f"acknowledged but not confirmed {len(not_confirmed)}; duplicate registrations {dupes}"
    )
    scans_ok = {t for t, a in load.scans.items() if a == "ok"}
    checkins = Counter(
        CheckIn.objects.filter(checkin_list_id=fixture["list_id"]).values_list(
            "registration__token", flat=True
        )
    )
    scan_unknown = sum(1 for a in load.scans.values() if a not in ("ok", "error"))
    print(
        f"scans: {len(load.scans)} sent, {len(scans_ok)} acknowledged ok, "
        f"{len(checkins)} check-ins, lost {len(scans_ok - set(checkins))}, duplicated "
        f"{sum(1 for n in checkins.values() if n > 1)}, unknown outcome {scan_unknown}"
    )
    holds_ok = {(e, c) for e, c, a in load.holds if a == 201}
    active = list(
        BoothBooking.objects.filter(event_id=fixture["event_id"]).values_list(
            "exhibitor_id", "booth__code"
        )
    )
    per_booth = Counter(code for _e, code in active)
    print(
        f"booth holds: {len(load.holds)} asked, {len(holds_ok)} acknowledged, {len(active)} "
        f"bookings, lost {len(holds_ok - set(active))}, booths held twice "
        f"{sum(1 for n in per_booth.values() if n > 1)}"
    )
    emails = list(
        Email.objects.filter(to__endswith="@scaleout.example").values_list(
            "message_id", "status", "to"
        )
    )
    received = Counter()
    for recipients, message in inbox.snapshot():
        if recipients and recipients[0].endswith("@scaleout.example"):
            received[message["Message-ID"]] += 1
    sent_ids = {
        f"<{m}>" if not m.startswith("<") else m for m, status, _to in emails if status == "sent"
    }
    never = [m for m in sent_ids if m not in received]
    print(
        f"emails: {len(emails)} queued ({dict(Counter(s for _m, s, _t in emails))}), "
        f"{sum(received.values())} received, marked sent but never received {len(never)}, "
        f"received twice {sum(1 for n in received.values() if n > 1)}"
    )
    confirmed_rows = sum(1 for r in rows.values() if r["status"] == "confirmed")
    expected = len(rows) + confirmed_rows + len(active)
    print(
        f"emails expected: {expected} (a link per registration row, a badge per confirmed row, "
        f"a notice per booth hold), queued {len(emails)}"
    )
    kinds = Counter(
        Email.objects.filter(to__endswith="@scaleout.example").values_list("kind", flat=True)
    )
    print(f"emails by kind: {dict(sorted(kinds.items()))}")
    sheet = (
        BadgeBatch.objects.filter(pk=fixture.get("sheet_id"))
        .values_list("status", "done", "total")
        .first()
    )
    book = (
        ProceedingsBuild.objects.filter(pk=fixture.get("book_id"))
        .values_list("status", "page_count")
        .first()
    )
    print(f"badge sheet: {sheet}; proceedings: {book}")
    print(f"unfinished after the drain: {left}")
    from django_tasks_db.models import DBTaskResult

    tasks = Counter(
        (path.rsplit(".", 1)[-1], status)
        for path, status in DBTaskResult.objects.values_list("task_path", "status")
    )
    print(
        "tasks by name and status: "
        + ", ".join(f"{n} {s}: {c}" for (n, s), c in sorted(tasks.items()))
    )


# --- One instance vs two ------------------------------------------------------------------


def ratio(base, fixture, nginx: Nginx, web_ports, web) -> None:
    print("\n== Throughput with one and with two app instances (page views and scans, 8 clients)")
    results = {}
    for count in (1, 2):
        nginx.reload(web_ports[:count])
        recorder = Recorder()
        halt = threading.Event()
        rng_tokens = list(fixture["scan_tokens"])

        def views(halt=halt, recorder=recorder):
            client = Client(base, recorder)
            pages = [p for p in fixture["pages"] if not p.startswith(("/static/", "/media/"))]
            while not halt.is_set():
                client.call("page", "GET", random.choice(pages))

        def scans(halt=halt, recorder=recorder, tokens=rng_tokens):
            client = Client(base, recorder)
            headers = {"Authorization": f"Bearer {fixture['device_token']}"}
            while not halt.is_set():
                body = {"token": random.choice(tokens), "list": fixture["list_id"]}
                client.call("scan", "POST", "/api/checkin/", json=body, headers=headers)

        threads = [threading.Thread(target=views) for _ in range(4)]
        threads += [threading.Thread(target=scans) for _ in range(4)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(20)
        halt.set()
        for thread in threads:
            thread.join(timeout=40)
        elapsed = time.monotonic() - started
        print(f"-- {count} instance{'s' if count > 1 else ''}")
        print_answers(recorder, elapsed)
        results[count] = sum(len(rows) for rows in recorder.rows.values()) / elapsed
    print(
        f"throughput: 1 instance {results[1]:.1f}/s, 2 instances {results[2]:.1f}/s, "
        f"ratio {results[2] / results[1]:.2f}"
    )


if __name__ == "__main__":
    main()
