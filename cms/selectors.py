"""Reads of the site that span relations, each in a fixed number of queries.

Pages (and the proceedings) call these; they never run one query per session or speaker.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Min, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.cache import cached
from cms.enums import OrganizerRole, SpeakerRole
from cms.models import (
    SEARCHABLE_PAGE_MODELS,
    AgendaPage,
    ExhibitionPage,
    ForumOrganizer,
    ForumPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SessionAttachment,
    SessionPage,
    SessionSpeaker,
    Speaker,
    SpeakerIndexPage,
    StandardPage,
    richtext_to_text,
    stream_to_text,
)
from core.localized import SOURCE_LANGUAGE, localized
from core.text import fold

# Fixed rendition sizes: every image of a kind has the same size.
SPEAKER_PHOTO = "fill-240x240-c100"
SPEAKER_THUMB = "fill-96x96-c100"
LOGO = "max-240x96"
CONTENT_IMAGE = "max-1200x900"
NEWS_THUMB = "fill-480x270-c50"

SEARCH_MAX_CHARS = 200
SEARCH_MAX_TERMS = 8
SEARCH_LIMIT = 20


def lazy(fn, **kwargs):
    """``fn(**kwargs)``, computed once and only if a template uses it (templates call
    callables): the data behind a ``{% cache %}`` fragment is read only on a cache miss."""
    return functools.cache(functools.partial(fn, **kwargs))


def images_with(*specs: str) -> QuerySet:
    """Images with the renditions of ``specs`` prefetched (one query per spec)."""
    return get_image_model().objects.prefetch_renditions(*specs)


def moderator_first() -> Case:
    return Case(
        When(role=SpeakerRole.MODERATOR, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def session_speakers_queryset(*, photos: bool = False) -> QuerySet:
    """Speakers of sessions, moderators first, then in the editor's order."""
    qs = SessionSpeaker.objects.select_related("speaker").order_by(moderator_first(), "sort_order")
    if photos:
        qs = qs.prefetch_related(Prefetch("speaker__photo", queryset=images_with(SPEAKER_THUMB)))
    return qs


# --- Home and forum ---------------------------------------------------------------------------


def home_forum(*, home: HomePage) -> ForumPage | None:
    """The forum the home page presents: its event's ForumPage below it, else the first one."""
    forums = list(
        ForumPage.objects.live().child_of(home).select_related("event", "locale", "hero_image")
    )
    for forum in forums:
        if forum.event_id == home.event_id:
            return forum
    return forums[0] if forums else None


def forum_sections(*, forum: ForumPage) -> dict:
    """The forum's live child pages by role (one query): agenda, speakers, exhibition, news,
    and the standard pages in tree order."""
    types = ContentType.objects.get_for_models(
        AgendaPage, SpeakerIndexPage, ExhibitionPage, NewsIndexPage, StandardPage
    )
    role_of = {
        types[AgendaPage].pk: "agenda",
        types[SpeakerIndexPage].pk: "speakers",
        types[ExhibitionPage].pk: "exhibition",
        types[NewsIndexPage].pk: "news",
    }
    sections: dict = {"agenda": None, "speakers": None, "exhibition": None, "news": None}
    pages = []
    children = (
        Page.objects.child_of(forum)
        .live()
        .filter(content_type__in=types.values())
        .select_related("locale")
        .order_by("path")
    )
    for child in children:
        role = role_of.get(child.content_type_id)
        if role is None:
            pages.append(child)
        elif sections[role] is None:
            sections[role] = child
    sections["pages"] = pages
    return sections


def registration_url(*, forum: ForumPage) -> str:
    """Where the call to action sends people: the editor's link, else the registration page."""
    if forum.registration_url:
        return forum.registration_url
    return reverse("events:register", kwargs={"event_slug": forum.event.slug})


def forum_organizers(*, forum: ForumPage) -> dict[str, list[ForumOrganizer]]:
    """Organizers grouped by role (organizer, co_organizer, sponsor, partner), logos ready."""
    grouped: dict[str, list[ForumOrganizer]] = {role: [] for role in OrganizerRole.values}
    qs = (
        ForumOrganizer.objects.filter(page=forum)
        .prefetch_related(Prefetch("logo", queryset=images_with(LOGO)))
        .order_by("sort_order")
    )
    for organizer in qs:
        grouped[organizer.role].append(organizer)
    return grouped


def forum_speakers(*, forum: Page) -> QuerySet:
    """Speakers linked to live sessions below ``forum``, in order of their first session."""
    return (
        Speaker.objects.filter(
            session_links__page__live=True,
            session_links__page__path__startswith=forum.path,
        )
        .annotate(first_session=Min("session_links__page__starts_at"))
        .order_by("first_session", "name")
    )


def _plural_role_label(role: str, label) -> str:
    plural = {
        OrganizerRole.ORGANIZER: _("Organizers"),
        OrganizerRole.CO_ORGANIZER: _("Co-organizers"),
        OrganizerRole.SPONSOR: _("Sponsors"),
        OrganizerRole.PARTNER: _("Partners"),
    }
    return plural.get(role, label)


def registration_state(*, event, now: dt.datetime) -> str:
    """``open`` (the event's rule says so), else ``over`` (the forum has ended), ``soon`` (not
    open yet) or ``closed``."""
    if event.registration_is_open(now):
        return "open"
    if now >= event.ends_at:
        return "over"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "soon"
    return "closed"


def forum_overview(*, forum: ForumPage, registration_open: bool) -> dict:
    """What the forum (and the home page presenting it) shows below the hero, in a fixed
    number of queries: sections, organizers with logos, JSON-LD with the performers."""
    from cms.structured_data import forum_event_jsonld  # noqa: PLC0415 (structured_data imports the selectors)

    sections = forum_sections(forum=forum)
    organizers = forum_organizers(forum=forum)
    performers = list(forum_speakers(forum=forum).only("name", "position", "organization", "slug"))
    labels = dict(OrganizerRole.choices)
    return {
        "sections": sections,
        "organizers": organizers,
        "organizer_groups": [
            (_plural_role_label(role, labels[role]), group)
            for role, group in organizers.items()
            if group
        ],
        "event_jsonld": forum_event_jsonld(
            forum=forum,
            organizers=organizers,
            performers=performers,
            registration_link=registration_url(forum=forum),
            registration_open=registration_open,
        ),
    }


def forum_page_context(*, page: Page, forum: ForumPage, now: dt.datetime | None = None) -> dict:
    """Context of a page presenting ``forum`` (the forum page itself or the home page).

    Cheap values are computed now; the overview is lazy, for the ``{% cache %}`` fragments
    keyed with ``forum_key`` (page, language and registration state) and the content version.
    """
    now = now or timezone.now()
    event = forum.event
    state = registration_state(event=event, now=now)
    return {
        "event": event,
        "registration_state": state,
        "registration_open": state == "open",
        "event_over": state == "over",
        "registration_link": registration_url(forum=forum) if state == "open" else "",
        "forum_key": f"{page.pk}:{forum.pk}:{get_language()}:{state}",
        "overview": lazy(forum_overview, forum=forum, registration_open=state == "open"),
    }


def forum_of(page: Page) -> ForumPage | None:
    """The ForumPage above ``page`` (one query), with its event."""
    return (
        ForumPage.objects.ancestor_of(page, inclusive=True)
        .select_related("event", "hero_image")
        .first()
    )


# --- Agenda -----------------------------------------------------------------------------------


@dataclass
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    sessions: list = field(default_factory=list)
    is_now: bool = False


@dataclass
class Day:
    date: dt.date
    slots: list[Slot] = field(default_factory=list)


def agenda_sessions(*, agenda: Page) -> QuerySet:
    """Live sessions of an agenda in time order, with their speakers (moderators first)."""
    return (
        SessionPage.objects.live()
        .child_of(agenda)
        .select_related("locale")
        .prefetch_related(Prefetch("session_speakers", queryset=session_speakers_queryset()))
        .order_by("starts_at", "room", "path")
    )


def column_rooms(*, declared: list[str], days: list[Day]) -> list[str]:
    """Rooms as columns: those where sessions run in parallel, in the agenda's declared
    order, then the others alphabetically. A session alone in its slot spans every column."""
    used = {
        s.room
        for day in days
        for slot in day.slots
        if len(slot.sessions) > 1
        for s in slot.sessions
    }
    used.discard("")
    return [r for r in declared if r in used] + sorted(used - set(declared))


def group_agenda(
    *, sessions: list[SessionPage], declared_rooms: list[str], now: dt.datetime
) -> tuple[list[Day], list[str]]:
    """Sessions by day, then by start time, and the rooms shown as columns. Each session gets
    ``column`` (1-based, 0 when it spans every column), ``is_now`` and ``same_time`` (its
    times are its slot's)."""
    days: list[Day] = []
    for session in sessions:
        session.is_now = session.starts_at <= now < session.ends_at
        local_start = timezone.localtime(session.starts_at)
        if not days or days[-1].date != local_start.date():
            days.append(Day(date=local_start.date()))
        day = days[-1]
        if not day.slots or day.slots[-1].starts_at != session.starts_at:
            day.slots.append(Slot(starts_at=session.starts_at, ends_at=session.ends_at))
        slot = day.slots[-1]
        slot.sessions.append(session)
        slot.ends_at = max(slot.ends_at, session.ends_at)
        slot.is_now = slot.is_now or session.is_now
    rooms = column_rooms(declared=declared_rooms, days=days)
    columns = {room: i + 1 for i, room in enumerate(rooms)}
    for day in days:
        for slot in day.slots:
            alone = len(slot.sessions) == 1
            for session in slot.sessions:
                session.column = 0 if alone or len(rooms) < 2 else columns.get(session.room, 0)
                session.same_time = session.ends_at == slot.ends_at
    return days, rooms


def room_names(*, rooms: list[str], sessions: list[SessionPage]) -> list[str]:
    """The rooms' names in the active language: a room's English name is the one its sessions
    give (``room_en``); without one, the Vietnamese name marked ``lang="vi"`` (safe HTML)."""
    english = {}
    for session in sessions:
        if session.room and session.room_en:
            english.setdefault(session.room, session.room_en)
    return [
        localized(SimpleNamespace(room=room, room_en=english.get(room, "")), "room").__html__()
        for room in rooms
    ]


def agenda_context(*, agenda: AgendaPage, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    sessions = list(agenda_sessions(agenda=agenda))
    days, rooms = group_agenda(sessions=sessions, declared_rooms=agenda.room_order, now=now)
    room_labels = room_names(rooms=rooms, sessions=sessions)
    speaker_index = (
        SpeakerIndexPage.objects.live().sibling_of(agenda).select_related("locale").first()
    )
    return {
        "speaker_index": speaker_index,
        "speaker_index_url": speaker_index.get_url() if speaker_index else "",
        "sessions": sessions,
        "rooms": room_labels,
        "days": days,
        "now": now,
    }


def agenda_page_context(*, agenda: AgendaPage, now: dt.datetime | None = None) -> dict:
    """Context of the agenda page: the sessions are lazy, behind a ``{% cache %}`` fragment
    keyed with ``agenda_key`` (page, language, the sessions running now) and the content
    version. Only the sessions' times are read on every request (and cached)."""
    now = now or timezone.now()
    spans = cached(
        "agenda-spans",
        agenda.pk,
        build=lambda: list(
            SessionPage.objects.live()
            .child_of(agenda)
            .values_list("pk", "starts_at", "ends_at")
            .order_by("pk")
        ),
    )
    running = [str(pk) for pk, starts_at, ends_at in spans if starts_at <= now < ends_at]
    return {
        "agenda_key": f"{agenda.pk}:{get_language()}:{'-'.join(running)}",
        "agenda_data": lazy(agenda_context, agenda=agenda, now=now),
    }


def session_context(*, session: SessionPage) -> dict:
    speakers = list(
        session_speakers_queryset()
        .filter(page=session)
        .prefetch_related(Prefetch("speaker__photo", queryset=images_with(SPEAKER_THUMB)))
    )
    attachments = list(SessionAttachment.objects.filter(page=session).select_related("document"))
    agenda = session.get_parent()
    forum = forum_of(session)
    return {
        "speakers": speakers,
        "attachments": attachments,
        "agenda": agenda,
        "forum": forum,
        "event": forum.event if forum else None,
        "speaker_index": (
            SpeakerIndexPage.objects.live().child_of(forum).first() if forum else None
        ),
        "is_now": session.is_running(),
        "untranslated": untranslated_fields(page=session, fields=("title", "abstract", "body")),
    }


# --- Speakers ---------------------------------------------------------------------------------


def speakers_of_forum(*, index_page: SpeakerIndexPage) -> list[Speaker]:
    forum = index_page.get_parent()
    return list(
        forum_speakers(forum=forum).prefetch_related(
            Prefetch("photo", queryset=images_with(SPEAKER_PHOTO))
        )
    )


def speaker_sessions(*, speaker: Speaker, forum: Page) -> list[SessionSpeaker]:
    """The speaker's live sessions below ``forum`` (in its language), in time order."""
    return list(
        SessionSpeaker.objects.filter(
            speaker=speaker, page__live=True, page__path__startswith=forum.path
        )
        .select_related("page", "page__locale")
        .order_by("page__starts_at")
    )


# --- News -------------------------------------------------------------------------------------


def latest_news(*, root: Page, limit: int = 3) -> list[NewsPage]:
    return list(
        NewsPage.objects.live()
        .descendant_of(root)
        .filter(locale_id=root.locale_id)
        .select_related("locale")
        .prefetch_related(Prefetch("image", queryset=images_with(NEWS_THUMB)))
        .order_by("-date", "-pk")[:limit]
    )


def news_page(*, index: NewsIndexPage, page_number, per_page: int = 10):
    qs = (
        NewsPage.objects.live()
        .child_of(index)
        .select_related("locale")
        .prefetch_related(Prefetch("image", queryset=images_with(NEWS_THUMB)))
        .order_by("-date", "-pk")
    )
    return Paginator(qs, per_page).get_page(page_number)


# --- Search -----------------------------------------------------------------------------------


def search_terms(query: str) -> list[str]:
    """The folded words of a query: case, accents and đ ignored, control characters and odd
    code points dropped; bounded in size."""
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" else ch
        for ch in (query or "")[: SEARCH_MAX_CHARS * 2]
    )
    folded = fold(text)[:SEARCH_MAX_CHARS]
    return [t for t in folded.split() if t][:SEARCH_MAX_TERMS]


def _matching(terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return condition


def matching_terms(query: str) -> Q:
    """A filter on ``search_text``: every folded word of ``query`` appears in it."""
    return _matching(search_terms(query))


def site_search(*, query: str, language_code: str) -> dict:
    """Accent-blind search of live pages in the language and of speakers.

    Every word of the query must appear in the folded ``search_text``. One query per page
    model and one for speakers, whatever the number of results."""
    terms = search_terms(query)
    results: dict = {"terms": terms, "pages": [], "speakers": [], "count": 0}
    if not terms:
        return results
    condition = _matching(terms)
    pages: list[Page] = []
    for model in SEARCHABLE_PAGE_MODELS:
        pages += list(
            model.objects.live()
            .filter(condition, locale__language_code=language_code)
            .select_related("locale")
            .order_by("path")[:SEARCH_LIMIT]
        )
    results["pages"] = pages[:SEARCH_LIMIT]
    results["speakers"] = list(Speaker.objects.filter(condition).order_by("name")[:SEARCH_LIMIT])
    results["count"] = len(results["pages"]) + len(results["speakers"])
    return results


# --- Translations -----------------------------------------------------------------------------


def is_source_page(page: Page) -> bool:
    """Whether ``page`` is in the source language (Vietnamese), whose data translations follow."""
    return page.locale.language_code.split("-")[0] == SOURCE_LANGUAGE


def _plain(value) -> str:
    if hasattr(value, "stream_block"):
        return stream_to_text(value)
    return " ".join(richtext_to_text(value).split())


def untranslated_fields(*, page: Page, fields: tuple[str, ...]) -> set[str]:
    """The ``fields`` of a translation that still hold the text of its source page (copied, not
    translated yet), to be marked ``lang="vi"`` where shown. Empty for a page in the source
    language; one query otherwise."""
    if is_source_page(page):
        return set()
    source = (
        type(page)
        .objects.filter(
            translation_key=page.translation_key,
            locale__language_code=SOURCE_LANGUAGE,
        )
        .only(*fields)
        .first()
    )
    if source is None:
        return set()
    untranslated = set()
    for name in fields:
        text = _plain(getattr(page, name))
        if text and text == _plain(getattr(source, name)):
            untranslated.add(name)
    return untranslated


def privacy_page(*, site: Site | None) -> Page | None:
    """The site's privacy page (the live page with the slug ``PRIVACY_PAGE_SLUG`` under the
    site's root) in the active language, or in Vietnamese where it has no translation."""
    if site is None:
        return None
    slug = settings.PRIVACY_PAGE_SLUG
    page = site.root_page.get_descendants().live().filter(slug=slug).first()
    if page is None:
        return None
    return page.localized
