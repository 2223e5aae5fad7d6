"""iCalendar (.ics) of sessions: one session ("add to calendar") or the whole agenda (a feed),
built with events/ics.py (times with TZID, UIDs of this site)."""

from __future__ import annotations

import icalendar
from django.conf import settings
from django.utils import timezone

from cms.models import SessionPage, richtext_to_text
from core.localized import localized_text
from events.ics import local_time, location, uid


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
    # One UID for the session in every language: a calendar subscribed to both the Vietnamese
    # and the English agenda shows each session once.
    vevent.add("uid", uid(f"session-{session.translation_key}"))
    vevent.add("dtstamp", session.last_published_at or timezone.now())
    vevent.add("dtstart", local_time(session.starts_at))
    vevent.add("dtend", local_time(session.ends_at))
    vevent.add("summary", session.title)
    if where := location(event, room=localized_text(session, "room")):
        vevent.add("location", where)
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
