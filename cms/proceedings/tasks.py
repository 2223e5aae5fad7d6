"""Background task of the proceedings (django_tasks; the admin's "Build" button queues it)."""

from django_tasks import task

from cms.proceedings.models import ProceedingsBuild


@task(takes_context=True)
def proceedings_build_task(context, build_id: int) -> str:
    """Run a queued build (or one whose worker died: core.leases); returns its final status
    (the build row holds the details)."""
    from cms.proceedings.services import proceedings_build_run  # noqa: PLC0415 (the services import the tasks)

    if not ProceedingsBuild.objects.filter(pk=build_id).exists():
        return "missing"
    return proceedings_build_run(build_id=build_id, task_id=str(context.task_result.id)).status
