"""iCalendar (.ics) of sessions: one session ("add to calendar") or the whole agenda (a feed).

Times carry TZID=Asia/Ho_Chi_Minh with its VTIMEZONE, so calendars show them right anywhere.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from cms.models import SessionPage, richtext_to_text

EVENT_TZ = ZoneInfo(settings.TIME_ZONE)
PRODID = "-//Forumhall//Forum agenda//VI"


def _absolute(url: str, request=None) -> str:
    if url.startswith(("http://", "https://")):
        return url
    if request is not None:
        return request.build_absolute_uri(url)
    return settings.BASE_URL.rstrip("/") + url


def session_event(
    *, session: SessionPage, event=None, speakers=None, request=None
) -> icalendar.Event:
    """A VEVENT for one session. ``speakers``: SessionSpeaker links, moderators first."""
    vevent = icalendar.Event()
    vevent.add("uid", f"session-{session.translation_key}-{session.locale_id}@forumhall")
    vevent.add("dtstamp", session.last_published_at or timezone.now())
    vevent.add("dtstart", timezone.localtime(session.starts_at, EVENT_TZ))
    vevent.add("dtend", timezone.localtime(session.ends_at, EVENT_TZ))
    vevent.add("summary", session.title)
    where = [part for part in (session.room, event.venue if event else "") if part]
    if event and event.venue_address:
        where.append(event.venue_address)
    if where:
        vevent.add("location", ", ".join(where))
    lines = []
    if speakers:
        lines.append(
            "; ".join(
                f"{link.speaker.name} ({link.get_role_display()})"
                if link.role == "moderator"
                else link.speaker.name
                for link in speakers
            )
        )
    abstract = " ".join(richtext_to_text(session.abstract).split())
    if abstract:
        lines.append(abstract)
    url = session.get_url(request)
    if url:
        vevent.add("url", _absolute(url, request))
        lines.append(_absolute(url, request))
    if lines:
        vevent.add("description", "\n\n".join(lines))
    vevent.add("categories", [session.get_kind_display()])
    return vevent


def build_calendar(*, name: str, vevents: list[icalendar.Event]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for vevent in vevents:
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()
