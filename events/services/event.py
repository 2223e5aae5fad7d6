from django.db import transaction

from events.models import Event


@transaction.atomic
def event_upsert(*, slug: str, **fields) -> tuple[Event, bool]:
    """Create the event ``slug`` with ``fields``, or return the existing one unchanged.

    Returns ``(event, created)``. Side effects: none beyond the row.
    """
    return Event.objects.get_or_create(slug=slug, defaults=fields)
