"""The long jobs of the site that hold a lease (core.leases): proceedings builds."""

from django.db.models import Q

from cms.proceedings.enums import BuildStage, BuildStatus
from cms.proceedings.models import ProceedingsBuild
from cms.proceedings.tasks import proceedings_build_task
from core.leases import register

register(
    ProceedingsBuild,
    running=Q(status=BuildStatus.RUNNING),
    requeue={"status": BuildStatus.QUEUED, "stage": BuildStage.QUEUED, "progress": 0},
    enqueue=proceedings_build_task.enqueue,
)
