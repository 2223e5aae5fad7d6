"""Leases of long background jobs (badge sheets, proceedings builds): a job survives the death
of its worker.

A job's row (``LeasedJob``) is taken by one worker at a time: ``lease_claim`` is one conditional
UPDATE (like the mail outbox's claim) that sets a random owner and a lease of ``lease_length()``;
the job's progress writes renew it (``Lease.heartbeat``) and its outcome is recorded only while
the row is still its own (``Lease.finish``). No transaction is held while the job works.

A worker that dies stops renewing: once the lease has lapsed, ``jobs_reclaim`` (run by
``manage.py run_worker`` between tasks, by every worker) puts the job back in the queue and
hands its task to the next worker: the same django-tasks-db row, made ready again (its
``worker_ids`` then name both workers), or a new task where that row is gone. The job starts
over idempotently (its service claims the row again). A worker that was only frozen and comes
back finds the row no longer its own at its next heartbeat (``LeaseLost``) and stops.

Each app registers its kinds of job in its ``jobs`` module (discovered when the apps are ready,
as ``mail_kinds``): ``core`` names no app.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.models import WorkerBeat

logger = logging.getLogger(__name__)


def lease_length() -> dt.timedelta:
    """How long a job's row stays its worker's without a heartbeat (``JOB_LEASE_SECONDS``)."""
    return dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)


class LeaseLost(Exception):
    """The job's row is no longer this worker's: its lease lapsed and the job was taken up
    again (or retried from the admin). The worker stops; the other run's outcome counts."""


class LeasedJob(models.Model):
    """The lease fields of a job's row (an abstract model: each job's own table holds them)."""

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_owner = models.CharField(_("worker's lease"), max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True, editable=False)
    task_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def lease_lapsed(self) -> bool:
        """Running with a lease that has lapsed: its worker died (a job to take up again)."""
        return self.lease_until is not None and self.lease_until < timezone.now()


@dataclass(frozen=True)
class Lease:
    """A worker's hold on one job's row (``lease_claim``)."""

    model: type[LeasedJob]
    pk: int
    owner: str
    attempt: int

    def _mine(self):
        return self.model.objects.filter(pk=self.pk, lease_owner=self.owner)

    def heartbeat(self, **fields) -> None:
        """Renew the lease, writing ``fields`` (the progress) in the same UPDATE. Raises
        ``LeaseLost`` when the row is no longer this worker's."""
        if not self._mine().update(lease_until=timezone.now() + lease_length(), **fields):
            raise LeaseLost()

    def finish(self, **fields) -> bool:
        """Record the outcome (``fields``) and end the lease, only while the row is still this
        worker's. Returns whether it was recorded."""
        return bool(self._mine().update(lease_owner="", lease_until=None, **fields))


def lease_claim(
    model: type[LeasedJob], pk: int, *, queued: Q, running: Q, task_id: str = "", **fields
) -> Lease | None:
    """Take the job ``pk`` for one run: when it is ``queued``, or ``running`` under a lapsed
    lease (its worker died). One conditional UPDATE: two workers never both take it. Sets
    ``fields`` (its running status), one attempt more, a new owner and lease, and the task
    running it. Returns the lease, or None when the job is not to be run (another worker
    holds it, or it is finished)."""
    now = timezone.now()
    owner = uuid.uuid4().hex
    claimable = queued | (running & Q(lease_until__lt=now))
    taken = model.objects.filter(claimable, pk=pk).update(
        attempts=F("attempts") + 1,
        lease_owner=owner,
        lease_until=now + lease_length(),
        task_id=task_id[:64],
        **fields,
    )
    if not taken:
        return None
    attempt = model.objects.filter(pk=pk).values_list("attempts", flat=True).first() or 0
    return Lease(model=model, pk=pk, owner=owner, attempt=attempt)


# --- Taking up the jobs of dead workers ---------------------------------------------------------


@dataclass(frozen=True)
class JobKind:
    """A kind of leased job: its model, which rows are running, how they are queued again
    (``requeue``: the fields of a queued row) and how a new task is enqueued for one."""

    model: type[LeasedJob]
    running: Q
    requeue: dict
    enqueue: Callable[[int], None]


_KINDS: list[JobKind] = []


def register(
    model: type[LeasedJob], *, running: Q, requeue: dict, enqueue: Callable[[int], None]
) -> None:
    """Make ``jobs_reclaim`` take up the jobs of ``model`` (from an app's ``jobs`` module)."""
    if not any(kind.model is model for kind in _KINDS):
        _KINDS.append(JobKind(model=model, running=running, requeue=requeue, enqueue=enqueue))


def _kind_of(model: type[LeasedJob]) -> JobKind:
    return next(kind for kind in _KINDS if kind.model is model)


def job_requeue(job: LeasedJob, *, only_if_lapsed: bool = True) -> bool:
    """Queue ``job`` again for the next worker: if it is still running under a lapsed lease,
    or (``only_if_lapsed=False``: the admin's retry, whose service checked the job) whatever
    it is. The lease ends (a worker still holding it stops at its next heartbeat); the task
    that ran the job is made ready again (django-tasks-db), else a new one is enqueued after
    commit. Returns whether the job was queued again (False: another worker took it first)."""
    kind = _kind_of(type(job))
    rows = kind.model.objects.filter(pk=job.pk)
    if only_if_lapsed:
        rows = rows.filter(kind.running, lease_until__lt=timezone.now())
    if not rows.update(lease_owner="", lease_until=None, **kind.requeue):
        return False
    if not _task_ready_again(job.task_id):
        transaction.on_commit(lambda: kind.enqueue(job.pk))
    return True


def _task_ready_again(task_id: str) -> bool:
    """Make the django-tasks-db row ``task_id`` ready again if it is still "running" (its
    worker died with it). False when there is no such row (another backend, or it finished)."""
    if not task_id:
        return False
    try:
        rows = DBTaskResult.objects.filter(pk=uuid.UUID(task_id), status=TaskResultStatus.RUNNING)
    except ValueError:
        return False
    return bool(rows.update(status=TaskResultStatus.READY, run_after=timezone.now()))


def tasks_release(*, worker_id: str) -> int:
    """Make ready again the tasks that the worker ``worker_id`` was running when it lost the
    database (a PostgreSQL restart ends the task's transaction and its "done" write, leaving the
    row "running" for good). Its own tasks only: another worker's are still running. Returns how
    many. Tasks are idempotent (the outbox's lease, the jobs' leases), so running one again is
    safe."""
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("worker_ids")
    mine = [row.pk for row in running if row.worker_ids and row.worker_ids[-1] == worker_id]
    if not mine:
        return 0
    rows = DBTaskResult.objects.filter(pk__in=mine, status=TaskResultStatus.RUNNING)
    released = rows.update(status=TaskResultStatus.READY, run_after=timezone.now())
    logger.warning("Worker %s: %d interrupted task(s) ready again", worker_id, released)
    return released


def worker_beat(*, worker_id: str) -> None:
    """Record that the worker ``worker_id`` is alive (its sweeping thread calls this)."""
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": timezone.now()})


def worker_gone(*, worker_id: str) -> None:
    """Forget a worker that stops cleanly (its tasks finished or were never claimed)."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def tasks_of_dead_workers_release(*, dead_after: dt.timedelta) -> int:
    """Make ready again the tasks left "running" by workers that stopped beating ``dead_after``
    ago (killed: SIGKILL, out of memory, the machine lost), then forget those workers. Only
    workers that beat are judged (a plain ``db_worker`` never does: its tasks are left alone).
    Returns how many tasks."""
    since = timezone.now() - dead_after
    dead = set(WorkerBeat.objects.filter(beat_at__lt=since).values_list("worker_id", flat=True))
    if not dead:
        return 0
    released = sum(tasks_release(worker_id=worker_id) for worker_id in dead)
    WorkerBeat.objects.filter(worker_id__in=dead, beat_at__lt=since).delete()
    return released


def jobs_reclaim() -> int:
    """Queue again every registered job whose worker died (running, lease lapsed). Safe to run
    from every worker at once. Side effects: as ``job_requeue``. Returns how many."""
    reclaimed = 0
    for kind in _KINDS:
        lapsed = kind.model.objects.filter(kind.running, lease_until__lt=timezone.now())
        for job in lapsed.only("pk", "task_id"):
            if job_requeue(job):
                logger.warning("%s %s: its worker died; queued again", kind.model.__name__, job.pk)
                reclaimed += 1
    return reclaimed
