"""Reads of the proceedings that span relations, each in a fixed number of queries."""

from __future__ import annotations

import logging

from django.db.models import Prefetch, QuerySet

from cms.enums import OrganizerRole, SessionKind
from cms.models import ForumOrganizer, ForumPage, SessionPage
from cms.proceedings.models import ProceedingsBuild
from cms.selectors import images_with, session_speakers_queryset

logger = logging.getLogger(__name__)

# Renditions for print: about 300 dpi at the printed size (photos 22 mm, logos 18 mm high,
# figures 17 cm wide at most, ~250 dpi). Photos are flattened to JPEG, which WeasyPrint embeds
# as is (no decoding, small files); logos keep their format and transparency.
PHOTO = "fill-320x320-c100|bgcolor-ffffff|format-jpeg|jpegquality-85"
LOGO = "max-480x192"
CONTENT_IMAGE = "max-1600x1600|bgcolor-ffffff|format-jpeg|jpegquality-85"

#: Sessions of these kinds are not chapters of the book.
NOT_IN_BOOK = (SessionKind.BREAK, SessionKind.EXHIBITION)


def book_sessions(*, forum: ForumPage) -> list[SessionPage]:
    """The forum's live sessions that make chapters, in agenda order (start, room, tree order),
    with paper, speakers (moderators first) and photos. Three queries and one per rendition."""
    speakers = session_speakers_queryset().prefetch_related(
        Prefetch("speaker__photo", queryset=images_with(PHOTO))
    )
    return list(
        SessionPage.objects.live()
        .descendant_of(forum)
        .exclude(kind__in=NOT_IN_BOOK)
        .select_related("paper")
        .prefetch_related(Prefetch("session_speakers", queryset=speakers))
        .order_by("starts_at", "room", "path")
    )


def book_organizers(*, forum: ForumPage) -> list[ForumOrganizer]:
    """Organizers and co-organizers of the forum, with their logos, in the editor's order."""
    return list(
        ForumOrganizer.objects.filter(
            page=forum, role__in=[OrganizerRole.ORGANIZER, OrganizerRole.CO_ORGANIZER]
        )
        .prefetch_related(Prefetch("logo", queryset=images_with(LOGO)))
        .order_by("sort_order")
    )


def book_exhibitors(*, event) -> list[tuple[object, list[str]]]:
    """Exhibitors with approved booths (exhibitor, booth codes), by name, when the exhibition
    app provides them; an empty list otherwise."""
    try:
        from exhibitors.selectors import directory_context  # noqa: PLC0415 (optional: the exhibition app may be absent)
    except ImportError:
        return []
    entries = directory_context(event=event)["entries"]
    return [(entry.exhibitor, list(entry.booth_codes)) for entry in entries]


def forums_for_build(*, event_slug: str | None = None, language: str | None = None) -> QuerySet:
    """Forum pages (with event and locale) that a build can start from."""
    qs = ForumPage.objects.select_related("event", "locale").order_by("path")
    if event_slug:
        qs = qs.filter(event__slug=event_slug)
    if language:
        qs = qs.filter(locale__language_code=language)
    return qs


def forum_builds(*, forum: ForumPage) -> QuerySet:
    """Builds of a forum, newest first, with their documents and who asked for them."""
    return ProceedingsBuild.objects.filter(forum=forum).select_related("document", "created_by")


def last_page_count(*, forum: ForumPage) -> int | None:
    """Pages of the forum's last finished build (to estimate the progress of the next one)."""
    return (
        ProceedingsBuild.objects.filter(forum=forum, page_count__isnull=False)
        .order_by("-created_at")
        .values_list("page_count", flat=True)
        .first()
    )
