"""iCalendar (.ics), for the forum (the "add to calendar" of emails and the manage page) and for
the agenda's sessions (cms/calendar.py): one calendar builder, one rule for times, places and
UIDs.

Times carry TZID=Asia/Ho_Chi_Minh with its VTIMEZONE, so that calendars show them right anywhere;
UIDs end with this site's host (``BASE_URL``), unique across deployments.
"""

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from core.localized import localized_text
from core.time import HCM
from events.models import Event

PRODID = "-//Forumhall//Forum//VI"


def uid(name: str) -> str:
    """A UID for ``name`` (e.g. "event-3") that is unique to this site."""
    host = settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "forumhall"
    return f"{name}@{host}"


def local_time(moment):
    """``moment`` in the event's time zone: written with TZID, not as UTC."""
    return timezone.localtime(moment, HCM)


def location(event: Event | None, *, room: str = "") -> str:
    """ "Room, venue, address", leaving out what is empty."""
    parts = [room]
    if event is not None:
        parts += [localized_text(event, "venue"), event.full_address]
    return ", ".join(part for part in parts if part)


def build_calendar(*, name: str, vevents: list[icalendar.Event]) -> bytes:
    """A calendar of ``vevents`` with the VTIMEZONE their times need. Side effects: none."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for vevent in vevents:
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_public_url(event: Event) -> str:
    """The event's public page (its registration page): what a calendar entry links to.
    Calendars are shared and synced, so never a guest's private manage link."""
    return absolute_url(reverse("events:register", kwargs={"event_slug": event.slug}))


def event_ics(*, event: Event) -> bytes:
    """An .ics with one VEVENT for ``event``, linking to its public page. Side effects: none."""
    url = event_public_url(event)
    vevent = icalendar.Event()
    vevent.add("uid", uid(f"event-{event.pk}"))
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", local_time(event.starts_at))
    vevent.add("dtend", local_time(event.ends_at))
    vevent.add("summary", localized_text(event, "name"))
    if where := location(event):
        vevent.add("location", where)
    if theme := localized_text(event, "theme"):
        vevent.add("description", theme)
    if url:
        vevent.add("url", url)
    return build_calendar(name=localized_text(event, "name"), vevents=[vevent])
