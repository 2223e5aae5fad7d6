"""A forum of any size, for query-count tests and the page benchmark (``bench/pages.py``).

Builds a home page, a forum with agenda, speaker index and exhibition, ``sessions`` sessions
spread over three rooms and ``speakers`` speakers with photos (every speaker speaks at least
once when there are enough sessions; panels get a moderator and up to three speakers).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.enums import SessionKind, SpeakerRole
from cms.models import (
    AgendaPage,
    ExhibitionPage,
    ForumPage,
    HomePage,
    SessionPage,
    SessionSpeaker,
    Speaker,
    SpeakerIndexPage,
)
from core.time import HCM
from events.models import Event

ROOMS = ["Hội trường chính", "Phòng hội thảo 1", "Phòng hội thảo 2"]


def _image(title: str, colour: tuple[int, int, int]):
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 300), colour).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title, description=title, file=ImageFile(buffer, name="sample.png")
    )


def sample_site(*, event: Event) -> tuple[HomePage, ForumPage]:
    """A home page (site root) and an empty forum with its agenda, speakers and exhibition."""
    vi = Locale.objects.get_or_create(language_code="vi")[0]
    root = Page.get_first_root_node()
    home = HomePage(title=event.name, slug="forum-home", locale=vi, event=event)
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Forum"},
    )
    # Wagtail's welcome page, created by its migrations, is not part of the forum.
    for other in root.get_children().exclude(pk=home.pk):
        other.delete()
    forum = ForumPage(title=event.name, slug="forum", locale=vi, event=event, lead="Lead")
    home.add_child(instance=forum)
    forum.save_revision().publish()
    for model, slug, title in (
        (AgendaPage, "agenda", "Chương trình"),
        (SpeakerIndexPage, "speakers", "Diễn giả"),
        (ExhibitionPage, "exhibition", "Triển lãm"),
    ):
        page = model(title=title, slug=slug, locale=vi)
        forum.add_child(instance=page)
        page.save_revision().publish()
    return home, forum


def sample_speakers(count: int, *, start: int = 0) -> list[Speaker]:
    speakers = []
    for i in range(start, start + count):
        photo = _image(f"Speaker photo {i}", ((i * 37) % 256, (i * 91) % 256, 120))
        speaker = Speaker(
            name=f"Nguyễn Văn Diễn Giả {i:03d}",
            position="Giám đốc",
            organization=f"Công ty Số {i}",
            photo=photo,
            photo_alt=f"Chân dung diễn giả {i}",
            bio="<p>Tiểu sử.</p>",
        )
        speaker.save()
        speakers.append(speaker)
    return speakers


def sample_sessions(
    *, agenda: AgendaPage, count: int, speakers: list[Speaker], start: int = 0
) -> list[SessionPage]:
    """``count`` sessions from 08:00 on the event's day, three rooms in parallel."""
    day = dt.datetime(2023, 12, 27, 8, 0, tzinfo=HCM)
    cycle = itertools.cycle(speakers) if speakers else None
    per_session = max(1, -(-len(speakers) // max(count, 1))) if speakers else 0
    sessions = []
    for i in range(start, start + count):
        starts_at = day + dt.timedelta(minutes=30 * (i // len(ROOMS)))
        kind = SessionKind.PANEL if per_session > 1 else SessionKind.TALK
        session = SessionPage(
            title=f"Phiên {i:03d}: Chuyển đổi số",
            slug=f"phien-{i:03d}",
            locale_id=agenda.locale_id,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=30),
            room=ROOMS[i % len(ROOMS)],
            kind=kind,
            abstract="<p>Tóm tắt.</p>",
        )
        links = []
        if cycle is not None:
            chosen = []
            for _n in range(min(per_session, len(speakers))):
                speaker = next(cycle)
                if speaker not in chosen:
                    chosen.append(speaker)
            links = [
                SessionSpeaker(
                    speaker=speaker,
                    role=(
                        SpeakerRole.MODERATOR if n == 0 and len(chosen) > 1 else SpeakerRole.SPEAKER
                    ),
                    sort_order=n,
                )
                for n, speaker in enumerate(chosen)
            ]
        session.session_speakers = links
        agenda.add_child(instance=session)  # live, without a revision: faster
        sessions.append(session)
    return sessions
