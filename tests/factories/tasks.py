"""A task for worker tests: it leaves a file behind, so a test in another process sees it ran."""

import time
from pathlib import Path

from django_tasks import task


@task()
def touch(path: str) -> None:
    Path(path).write_text("done")


@task()
def slow_touch(path: str, seconds: float) -> None:
    """Writes ``path.started``, waits ``seconds``, then appends a line to ``path`` (a task that
    is still running when the test restarts the database)."""
    Path(path + ".started").write_text("started")
    time.sleep(seconds)
    with Path(path).open("a") as file:
        file.write("done\n")
