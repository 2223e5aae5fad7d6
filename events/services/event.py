from django.db import transaction

from core.activity import log_action
from events.models import Event


@transaction.atomic
def event_upsert(*, slug: str, by=None, **fields) -> tuple[Event, bool]:
    """Create the event ``slug`` with ``fields``, or return the existing one unchanged.

    Returns ``(event, created)``. Side effects: the row; when created, the activity entry
    ``event.created`` by ``by`` (a User, an Actor, or None: the system).
    """
    event, created = Event.objects.get_or_create(slug=slug, defaults=fields)
    if created:
        log_action(action="event.created", obj=event, actor=by, event_id=event.pk)
    return event, created
