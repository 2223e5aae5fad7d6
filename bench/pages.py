"""Median server time of the home, agenda and speakers pages with 40 sessions and 60 speakers.

Django test client (no network), warm cache, 200 requests each, on a throw-away SQLite database
(or the PostgreSQL of DATABASE_URL: a test database is created and destroyed).
Run from the repository root: `.venv/bin/python bench/pages.py`. Target: < 30 ms each.
Also prints the CPU time of this process per request (on SQLite, all the server's work) and
the load average: on a shared machine the wall time includes waiting for a CPU.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="forumhall-bench-media-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

REQUESTS = 200
SESSIONS = 40
SPEAKERS = 60


def main() -> None:
    setup_test_environment()
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(tempfile.mkdtemp(prefix="forumhall-bench-")) / "bench.sqlite3"
        )
    else:
        connection.settings_dict["TEST"]["NAME"] = "forumhall_bench_pages"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from django.core.cache import cache
    from django.test import Client

    from cms.models import AgendaPage, SpeakerIndexPage
    from cms.sample import sample_sessions, sample_site, sample_speakers
    from events.demo import SEED_DAY, load_event
    from tests.conftest import ensure_wagtail_tree

    ensure_wagtail_tree()
    cache.clear()
    _home, forum = sample_site(event=load_event(day=SEED_DAY))
    agenda = AgendaPage.objects.child_of(forum).get()
    speakers = sample_speakers(SPEAKERS)
    sample_sessions(agenda=agenda, count=SESSIONS, speakers=speakers)
    urls = {
        "home": "/",
        "agenda": agenda.url,
        "speakers": SpeakerIndexPage.objects.child_of(forum).get().url,
    }
    client = Client()
    print(
        f"{SESSIONS} sessions, {SPEAKERS} speakers, {REQUESTS} requests per page, "
        f"database: {connection.vendor}"
    )
    for name, url in urls.items():
        for _ in range(5):  # warm: caches, renditions, templates
            assert client.get(url).status_code == 200
        timings, cpu = [], []
        for _ in range(REQUESTS):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
        timings.sort()
        print(
            f"{name:9s} {url:28s} median {statistics.median(timings):6.1f} ms"
            f"   p90 {timings[int(len(timings) * 0.9)]:6.1f} ms"
            f"   (CPU of this process: median {statistics.median(cpu):5.1f} ms)"
            f"   {len(response.content) // 1024} KiB"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
