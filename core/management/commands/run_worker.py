"""``manage.py run_worker``: django_tasks_db's ``db_worker`` that survives database restarts.

``db_worker`` exits on any ``OperationalError`` but "database is locked" (a PostgreSQL restart
ends it for good). This command runs the same worker loop, with the same options, and on a lost
database closes the connections, waits (1 s, doubling up to ``MAX_BACKOFF`` seconds; back to 1 s
after a minute of health) and takes up its loop again. A supervisor (systemd) still restarts it
if the process itself dies. It never autoreloads (``--reload`` is ignored: the reloader runs
the loop in a thread where a lost database would end it silently).

It also takes up the long jobs of workers that died (``core.leases.jobs_reclaim``): once when
it starts, then every ``RECLAIM_EVERY`` seconds from a thread of its own, while its main loop
runs tasks (a worker busy with a long task still reclaims the others' dead jobs). When it gets
the database back, the tasks it was running when it lost it are made ready again
(``core.leases.tasks_release``): their "done" was never written.
"""

import contextlib
import logging
import threading
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from core.leases import jobs_reclaim, lease_length, tasks_release

logger = logging.getLogger("forumhall.worker")

MAX_BACKOFF = 30.0
HEALTHY_AFTER = 60.0


def reclaim_every() -> float:
    """Seconds between two sweeps: a quarter of a lease (a dead worker's job waits at most a
    lease and a quarter)."""
    return max(lease_length().total_seconds() / 4, 1.0)


def reclaim_once() -> int:
    """One sweep (``jobs_reclaim``); a database error is logged, never fatal. Closes this
    thread's connections afterwards."""
    try:
        return jobs_reclaim()
    except Exception:
        logger.exception("Taking up the jobs of dead workers failed; next sweep later")
        return 0
    finally:
        connections.close_all()


class Reclaimer(threading.Thread):
    """Sweeps every ``every`` seconds until stopped (a daemon: it never keeps the process up)."""

    def __init__(self, every: float):
        super().__init__(name="reclaim-jobs", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            reclaim_once()


class Command(db_worker.Command):
    help = (
        "Run the database task worker; reconnect with back-off when the database is lost; "
        "take up the long jobs of workers that died"
    )

    def handle(self, *args, **options):
        options["reload"] = False
        reclaimer = Reclaimer(reclaim_every())
        reclaimer.start()
        try:
            return self._work(*args, **options)
        finally:
            reclaimer.stopped.set()

    def _work(self, *args, **options):
        backoff = 1.0
        lost = False
        while True:
            started = time.monotonic()
            try:
                if lost:
                    tasks_release(worker_id=options["worker_id"])
                    lost = False
                reclaim_once()  # before the first task: a job a dead worker left is taken first
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                lost = True
                if time.monotonic() - started > HEALTHY_AFTER:
                    backoff = 1.0
                logger.warning("Database lost (%s); the worker retries in %.0f s", error, backoff)
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(OperationalError, InterfaceError):
                        connection.close()
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
