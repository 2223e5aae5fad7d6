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
(``core.leases.tasks_release``): their "done" was never written. Its sweeping thread also
beats (``core.WorkerBeat``); the tasks of a worker that stopped beating three sweeps ago (killed)
are made ready again for the others. The same thread runs the apps' periodic sweeps
(``core.periodic``: the exhibition's payment deadlines) when their turn has come.
"""

import contextlib
import datetime as dt
import logging
import threading
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from core.leases import (
    jobs_reclaim,
    lease_length,
    tasks_of_dead_workers_release,
    tasks_release,
    worker_beat,
    worker_gone,
)
from core.periodic import sweeps_run_due

logger = logging.getLogger("forumhall.worker")

MAX_BACKOFF = 30.0
HEALTHY_AFTER = 60.0


def reclaim_every() -> float:
    """Seconds between two sweeps: a quarter of a lease (a dead worker's job waits at most a
    lease and a quarter)."""
    return max(lease_length().total_seconds() / 4, 1.0)


def dead_after() -> dt.timedelta:
    """A worker whose beat is older than three sweeps is dead (killed: it never said goodbye)."""
    return dt.timedelta(seconds=3 * reclaim_every())


def _periodic_sweeps() -> int:
    """The apps' periodic sweeps that are due (they take up no task: 0)."""
    sweeps_run_due()
    return 0


def reclaim_once(worker_id: str | None = None) -> int:
    """One sweep: this worker's beat (``worker_beat``), the long jobs of dead workers
    (``jobs_reclaim``), the other tasks they left running (``tasks_of_dead_workers_release``)
    and the apps' periodic sweeps that are due (``core.periodic``: each counts nothing here).
    Each step on its own: a database error is logged, never fatal, and does not stop the next
    step. Closes this thread's connections afterwards. Returns how many were taken up."""
    steps = [
        jobs_reclaim,
        lambda: tasks_of_dead_workers_release(dead_after=dead_after()),
        _periodic_sweeps,
    ]
    if worker_id:
        steps.insert(0, lambda: worker_beat(worker_id=worker_id) or 0)
    taken = 0
    try:
        for step in steps:
            try:
                taken += step()
            except Exception:
                logger.exception("A sweep for dead workers failed; next sweep later")
    finally:
        connections.close_all()
    return taken


class Reclaimer(threading.Thread):
    """Sweeps every ``every`` seconds until stopped (a daemon: it never keeps the process up)."""

    def __init__(self, every: float, worker_id: str):
        super().__init__(name="reclaim-jobs", daemon=True)
        self.every = every
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            reclaim_once(self.worker_id)


class Command(db_worker.Command):
    help = (
        "Run the database task worker; reconnect with back-off when the database is lost; "
        "take up the long jobs of workers that died"
    )

    def handle(self, *args, **options):
        options["reload"] = False
        reclaimer = Reclaimer(reclaim_every(), options["worker_id"])
        reclaimer.start()
        try:
            return self._work(*args, **options)
        finally:
            reclaimer.stopped.set()
            with contextlib.suppress(Exception):
                worker_gone(worker_id=options["worker_id"])

    def _work(self, *args, **options):
        backoff = 1.0
        lost = False
        while True:
            started = time.monotonic()
            try:
                if lost:
                    tasks_release(worker_id=options["worker_id"])
                    lost = False
                # Before the first task: a job a dead worker left is taken first.
                reclaim_once(options["worker_id"])
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
