"""Long jobs survive the death of their worker (core.leases): a badge sheet job whose worker was
killed mid-build (its task row left "running", the batch building under a lease that lapsed)
is taken up by the next ``run_worker`` and finishes with every page; ``db_worker`` alone leaves
it running forever (the control). A worker that comes back after its lease lapsed records
nothing."""

import datetime as dt
import io
import signal

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from core.leases import (
    LeaseLost,
    jobs_reclaim,
    lease_claim,
    tasks_of_dead_workers_release,
    worker_beat,
    worker_gone,
)
from core.models import WorkerBeat
from events.models import BadgeBatch
from events.services import registration_create
from events.services.badges import badge_batch_build, badge_batch_create
from tests.factories.events import make_category, make_event
from tests.factories.tasks import touch

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = ["--batch", "--no-startup-delay", "--no-reload", "-v", "0"]
BADGE_TASK = "events.tasks.build_badge_batch"


def badge_tasks():
    """The task rows of badge sheets (the registrations' emails have tasks of their own)."""
    return DBTaskResult.objects.filter(task_path=BADGE_TASK)


@pytest.fixture
def db_tasks(settings, tmp_path):
    """Tasks in the database, as in production (the tests' default runs them at once); the
    worker's signal handlers are put back afterwards."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def queued_batch(n: int = 10) -> BadgeBatch:
    """A badge sheet job of ``n`` confirmed guests, its task waiting in the database."""
    event = make_event()
    category = make_category(event, name="Đại biểu")
    for i in range(n):
        registration_create(
            event=event,
            category=category,
            full_name=f"Nguyễn Văn {i}",
            email=f"g{i}@example.com",
            skip_email_confirmation=True,
        )
    return badge_batch_create(event=event, category=category)


def killed_mid_build(batch: BadgeBatch, *, done: int = 4):
    """What a worker killed after ``done`` badges leaves: its task row running, the batch
    building with its progress, under a lease that has since lapsed. Returns its lease."""
    task = badge_tasks().get(status=TaskResultStatus.READY)
    task.claim("killed-worker")
    lease = lease_claim(
        BadgeBatch,
        batch.pk,
        queued=Q(status=BadgeBatch.Status.QUEUED),
        running=Q(status=BadgeBatch.Status.RUNNING),
        task_id=str(task.pk),
        status=BadgeBatch.Status.RUNNING,
    )
    lease.heartbeat(done=done)
    lapsed = timezone.now() - dt.timedelta(seconds=1)
    BadgeBatch.objects.filter(pk=batch.pk).update(lease_until=lapsed)
    return lease


def test_a_killed_badge_sheet_job_is_taken_up_by_another_worker_and_finishes(db_tasks):
    batch = queued_batch(10)
    dead = killed_mid_build(batch)

    call_command("run_worker", *WORKER, "--worker-id", "second-worker")

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.attempts) == ("done", 10, 10, 2)
    assert (batch.lease_owner, batch.lease_until) == ("", None)
    with batch.file.open("rb") as file:
        assert len(PdfReader(io.BytesIO(file.read())).pages) == 3  # 10 badges, 4 a sheet
    task = badge_tasks().get()  # the same task, run again: no second one
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["killed-worker", "second-worker"]
    assert task.return_value == "done"
    # The first worker comes back: its lease is gone, it records nothing.
    with pytest.raises(LeaseLost):
        dead.heartbeat(done=5)
    assert dead.finish(status=BadgeBatch.Status.FAILED, error="late") is False
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.error) == ("done", 10, "")


def test_control_db_worker_alone_leaves_the_killed_job_running_forever(db_tasks):
    batch = queued_batch(4)
    killed_mid_build(batch, done=2)

    call_command("db_worker", *WORKER, "--worker-id", "plain-worker")

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.attempts) == ("running", 2, 1)
    assert badge_tasks().get().status == TaskResultStatus.RUNNING


def test_a_job_under_a_live_lease_is_left_to_its_worker(db_tasks):
    batch = queued_batch(4)
    killed_mid_build(batch, done=2)
    live = timezone.now() + dt.timedelta(minutes=1)
    BadgeBatch.objects.filter(pk=batch.pk).update(lease_until=live)

    assert jobs_reclaim() == 0
    assert badge_batch_build(batch_id=batch.pk) == "running"  # a second run does not take it
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.attempts) == ("running", 2, 1)


def test_a_killed_job_whose_task_row_is_gone_gets_a_new_task(db_tasks):
    batch = queued_batch(4)
    killed_mid_build(batch, done=2)
    badge_tasks().delete()

    assert jobs_reclaim() == 1
    assert jobs_reclaim() == 0  # taken once, whoever sweeps
    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("queued", 0)
    task = badge_tasks().get()
    assert (task.status, task.args_kwargs["args"]) == (TaskResultStatus.READY, [batch.pk])

    call_command("run_worker", *WORKER, "--worker-id", "third-worker")
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.attempts) == ("done", 4, 2)


def test_the_tasks_of_a_worker_that_stopped_beating_are_ready_again(db_tasks, tmp_path):
    """A killed worker never says goodbye: three sweeps after its last beat, the tasks it was
    running are ready again and it is forgotten. A live worker's task, and one of a worker that
    never beats (a plain ``db_worker``), are left running."""
    now = timezone.now()
    worker_beat(worker_id="killed")
    worker_beat(worker_id="alive")
    WorkerBeat.objects.filter(worker_id="killed").update(beat_at=now - dt.timedelta(minutes=5))
    rows = {}
    for worker in ("killed", "alive", "db_worker"):
        result = touch.enqueue(str(tmp_path / worker))
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.RUNNING, worker_ids=["earlier", worker]
        )
        rows[worker] = result.id

    assert tasks_of_dead_workers_release(dead_after=dt.timedelta(minutes=2)) == 1

    found = DBTaskResult.objects.filter(pk__in=rows.values()).values_list("pk", "status")
    statuses = {str(pk): status for pk, status in found}
    assert {worker: statuses[pk] for worker, pk in rows.items()} == {
        "killed": TaskResultStatus.READY,
        "alive": TaskResultStatus.RUNNING,
        "db_worker": TaskResultStatus.RUNNING,
    }
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    assert tasks_of_dead_workers_release(dead_after=dt.timedelta(minutes=2)) == 0
    worker_gone(worker_id="alive")
    assert not WorkerBeat.objects.exists()
