"""The forum as an iCalendar file (the "add to calendar" of emails and the manage page)."""

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as ICalEvent

from events.models import Event


def event_ics(*, event: Event, url: str = "") -> bytes:
    """An .ics with one VEVENT for ``event`` (times in UTC). Side effects: none."""
    calendar = Calendar()
    calendar.add("prodid", "-//Forumhall//events//VI")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    vevent = ICalEvent()
    host = settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "forumhall"
    vevent.add("uid", f"event-{event.pk}@{host}")
    vevent.add("summary", event.name)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("dtstamp", event.starts_at)
    location = ", ".join(part for part in (event.venue, event.venue_address) if part)
    if location:
        vevent.add("location", location)
    if event.theme:
        vevent.add("description", event.theme)
    if url:
        vevent.add("url", url)
    calendar.add_component(vevent)
    return calendar.to_ical()
