"""The long jobs of events that hold a lease (core.leases): badge sheets, announcements."""

from django.db.models import Q

from core.leases import register
from events.models import Announcement, BadgeBatch
from events.tasks import build_badge_batch, send_announcement

register(
    BadgeBatch,
    running=Q(status=BadgeBatch.Status.RUNNING),
    requeue={"status": BadgeBatch.Status.QUEUED, "done": 0},
    enqueue=build_badge_batch.enqueue,
)
register(
    Announcement,
    running=Q(status=Announcement.Status.SENDING),
    requeue={"status": Announcement.Status.QUEUED},
    enqueue=send_announcement.enqueue,
)
