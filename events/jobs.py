"""The long jobs of events that hold a lease (core.leases): badge sheets."""

from django.db.models import Q

from core.leases import register
from events.models import BadgeBatch
from events.tasks import build_badge_batch

register(
    BadgeBatch,
    running=Q(status=BadgeBatch.Status.RUNNING),
    requeue={"status": BadgeBatch.Status.QUEUED, "done": 0},
    enqueue=build_badge_batch.enqueue,
)
