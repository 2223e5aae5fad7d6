"""``run_worker`` survives a PostgreSQL restart (``db_worker`` exits on it: the control): a
private cluster on a free port, both workers started against it, the cluster restarted, a task
enqueued after the restart still runs."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.factories.servers import PostgresCluster, postgres_bin

pytestmark = pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cluster():
    cluster = PostgresCluster()
    yield cluster
    cluster.close()


def manage(env, *args, **popen):
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, **popen)  # noqa: S603


def run(env, *args):
    process = manage(env, *args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output.decode()


def workers_stop(processes, logs, folder: Path) -> None:
    """Stop the workers still running (those a test started), close their logs, remove the
    test's folder."""
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    for log in logs:
        log.close()
    shutil.rmtree(folder, ignore_errors=True)


def wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.2)
    return False


OPTIONS = ["--interval", "0.2", "--no-startup-delay", "--no-reload"]


def worker_env(cluster) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": cluster.url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("REDIS_URL", None)
    run(env, "migrate", "django_tasks_database", "-v", "0")
    return env


def test_run_worker_survives_a_database_restart(cluster):
    env = worker_env(cluster)
    folder = Path(tempfile.mkdtemp(prefix="fh-worker-"))
    enqueue = "from tests.factories.tasks import touch; touch.enqueue({!r})"
    options = OPTIONS
    logs = {name: (folder / f"{name}.log").open("wb") for name in ("run_worker", "db_worker")}
    workers = {
        name: manage(env, name, *options, stdout=logs[name], stderr=subprocess.STDOUT)
        for name in logs
    }
    try:
        run(env, "shell", "-c", enqueue.format(str(folder / "before")))
        assert wait_for(folder / "before", 30)

        cluster.stop()
        time.sleep(1.5)
        cluster.start()

        run(env, "shell", "-c", enqueue.format(str(folder / "after")))
        assert wait_for(folder / "after", 45), (folder / "run_worker.log").read_text()
        assert workers["run_worker"].poll() is None
        # The control: django_tasks_db's own worker died of the restart.
        assert workers["db_worker"].wait(timeout=30) != 0
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        for log in logs.values():
            log.close()
        shutil.rmtree(folder, ignore_errors=True)


#: Exits with the number of task rows left "running", after printing every row's status.
COUNT_RUNNING = (
    "import sys; from django_tasks_db.models import DBTaskResult as T; "
    "print([(t.task_path, t.status) for t in T.objects.all()]); "
    "sys.exit(T.objects.filter(status='RUNNING').count())"
)


def test_a_task_cut_off_by_a_database_restart_runs_again(cluster):
    """The task was running when PostgreSQL restarted: its "done" could not be written. Once
    the worker has the database back, the task is ready again, runs and ends successful (it was
    left "running" for good)."""
    env = worker_env(cluster)
    folder = Path(tempfile.mkdtemp(prefix="fh-worker-"))
    target = folder / "slow"
    log = (folder / "run_worker.log").open("wb")
    worker = manage(env, "run_worker", *OPTIONS, stdout=log, stderr=subprocess.STDOUT)
    try:
        enqueue = "from tests.factories.tasks import slow_touch; slow_touch.enqueue({!r}, 4)"
        run(env, "shell", "-c", enqueue.format(str(target)))
        assert wait_for(Path(f"{target}.started"), 30)
        cluster.stop()
        time.sleep(1.5)
        cluster.start()

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            check = manage(env, "shell", "-c", COUNT_RUNNING, stdout=subprocess.PIPE)
            output, _ = check.communicate(timeout=60)
            if check.returncode == 0 and b"SUCCESSFUL" in output:
                break
            time.sleep(1)
        assert check.returncode == 0, output.decode() + (folder / "run_worker.log").read_text()
        assert b"SUCCESSFUL" in output, output.decode()
        assert "ready again" in (folder / "run_worker.log").read_text()
        assert target.read_text().count("done") >= 1
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_killed_workers_task_is_run_by_another_worker(cluster):
    """A worker killed (SIGKILL) in the middle of a task never writes its "done" and never says
    goodbye: once its beat is three sweeps old (leases of 4 s: a sweep a second), another
    ``run_worker`` makes the task ready again and runs it to the end."""
    env = {**worker_env(cluster), "JOB_LEASE_SECONDS": "4"}
    run(env, "migrate", "core", "-v", "0")
    folder = Path(tempfile.mkdtemp(prefix="fh-worker-"))
    target = folder / "slow"
    logs = [(folder / f"worker{n}.log").open("wb") for n in (1, 2)]
    first = manage(env, "run_worker", *OPTIONS, stdout=logs[0], stderr=subprocess.STDOUT)
    second = None
    try:
        enqueue = "from tests.factories.tasks import slow_touch; slow_touch.enqueue({!r}, 2)"
        run(env, "shell", "-c", enqueue.format(str(target)))
        assert wait_for(Path(f"{target}.started"), 30)
        first.kill()
        first.wait(timeout=30)
        assert not target.exists()  # it died before the end of its task
        second = manage(env, "run_worker", *OPTIONS, stdout=logs[1], stderr=subprocess.STDOUT)
        assert wait_for(target, 60), (folder / "worker2.log").read_text()
        check = manage(env, "shell", "-c", COUNT_RUNNING, stdout=subprocess.PIPE)
        output, _ = check.communicate(timeout=60)
        assert check.returncode == 0, output.decode()
        assert "ready again" in (folder / "worker2.log").read_text()
    finally:
        workers_stop([first, second], logs, folder)
