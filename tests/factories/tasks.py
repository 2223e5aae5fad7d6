"""A task for worker tests: it leaves a file behind, so a test in another process sees it ran."""

from pathlib import Path

from django_tasks import task


@task()
def touch(path: str) -> None:
    Path(path).write_text("done")
