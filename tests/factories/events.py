"""Plain factories of events and categories: explicit arguments, no surprises."""

import datetime as dt
import itertools

from django.utils import timezone

from events.models import AttendeeCategory, Event

_counter = itertools.count(1)


def make_event(*, capacity=None, opens=None, closes=None, **fields) -> Event:
    """An event a month from now, registration open unless ``opens``/``closes`` say otherwise."""
    n = next(_counter)
    starts = timezone.now() + dt.timedelta(days=30)
    defaults = {
        "slug": f"forum-{n}",
        "name": "Diễn đàn Chuyển đổi số TP Hải Phòng",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=9),
        "venue": "Trung tâm Hội nghị thành phố Hải Phòng",
        "contact_email": "chuyendoiso@haiphong.example",
        "capacity": capacity,
        "registration_opens_at": opens,
        "registration_closes_at": closes,
    }
    defaults.update(fields)
    return Event.objects.create(**defaults)


def make_category(event, *, name="Đại biểu", capacity=None, **fields) -> AttendeeCategory:
    n = next(_counter)
    return AttendeeCategory.objects.create(
        event=event, name=name, slug=fields.pop("slug", f"cat-{n}"), capacity=capacity, **fields
    )


def person(n: int) -> dict:
    return {"full_name": f"Người Tham Dự {n}", "email": f"nguoi{n}@example.com"}
