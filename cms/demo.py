"""Demo pages of the site, from the seed article (Hai Phong, 27-12-2023).

``load_home`` makes the home page the site root; ``load_site`` builds every page type below it
(forum, agenda with sessions, speakers, exhibition, news, standard pages) in Vietnamese and their
English translations. The seed gives the opening speech, VINASA's address, the opening of the
exhibition and the themes of the panels; the other sessions and speakers are invented, and the
agenda page says so. Everything is idempotent: running it again changes nothing, except the
dates when the event was moved to another day (``events.demo.load_event``): the sessions and the
news keep the seed's times of day, on the event's day.

The text is data, not code: ``cms/demo_data/vi.toml`` (Vietnamese, the source) and ``en.toml``
(its translation) hold every title, paragraph and block; ``forum.toml`` what does not depend on
the language (the sessions' times, rooms, kinds and speakers, colours, organizers). This module
only reads them and builds the pages.
"""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.models import (
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
)
from core.pdf import render_html_to_pdf
from core.text import fold
from core.time import HCM
from events.demo import SEED_DAY, demo_offset
from events.models import Event

DATA_DIR = Path(__file__).with_name("demo_data")


def _read(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as file:
        return tomllib.load(file)


#: The structure (``forum.toml``) and the text of each language (``vi.toml``, ``en.toml``).
FORUM, VI, EN = _read("forum.toml"), _read("vi.toml"), _read("en.toml")
#: The sessions by slug: start and end (times of the seed's day), room key, kind, speakers.
SESSIONS: dict[str, dict] = FORUM["sessions"]
ROOMS, ROOMS_EN = VI["rooms"], EN["rooms"]
MAIN_HALL, ROOM_1, ROOM_2, EXPO = (ROOMS[key] for key in ("main_hall", "room_1", "room_2", "expo"))


def site_address() -> tuple[str, int]:
    """The Wagtail Site's hostname and port, from the public address (``BASE_URL``), so that
    the addresses Wagtail builds (sitemap, page URLs in the admin) are the public ones."""
    address = urlsplit(settings.BASE_URL)
    return address.hostname or "localhost", address.port or (
        443 if address.scheme == "https" else 80
    )


# --- Text from the data files ----------------------------------------------------------------


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _text(paragraphs: list[str]) -> str:
    """Rich text from a list of paragraphs."""
    return _p(*paragraphs)


def _block(spec: dict, texts: dict, pages: dict) -> list[tuple[str, object]]:
    """One block of a data file as StreamField ``(type, value)`` pairs: a paragraph's text
    wrapped in ``<p>``, an FAQ's answers as rich text, a call to action's link to one of
    ``pages`` (by key), the blocks of a ``shared`` group; other types as they are."""
    kind = spec["type"]
    value = {name: item for name, item in spec.items() if name != "type"}
    if kind == "shared":
        return _blocks(texts["shared"][spec["name"]], texts, pages)
    if kind == "paragraph":
        return [(kind, _p(spec["text"]))]
    if kind == "faq":
        items = [{**item, "answer": _text(item["answer"])} for item in spec["items"]]
        return [(kind, {**value, "items": items})]
    if kind == "call_to_action":
        link = {"label": value.pop("link_label"), "page": pages[value.pop("link_page")].pk}
        return [(kind, {**value, "link": {**link, "url": ""}})]
    return [(kind, value)]


def _blocks(specs: list[dict], texts: dict, pages: dict | None = None) -> list:
    return [block for spec in specs for block in _block(spec, texts, pages or {})]


def _raw(blocks: list | None) -> list[dict]:
    """StreamField blocks given as ``(type, value)`` pairs, in their stored (JSON) form."""
    return [{"type": kind, "value": value} for kind, value in (blocks or [])]


def _stream(specs: list[dict], texts: dict, pages: dict | None = None) -> list[dict]:
    """A StreamField's stored value from a data file's blocks."""
    return _raw(_blocks(specs, texts, pages))


@transaction.atomic
def load_home(event: Event) -> HomePage:
    """Make the forum's home page the site root, in Vietnamese and English. Idempotent."""
    home = HomePage.objects.filter(locale__language_code="vi").first()
    if home is None:
        root = Page.get_first_root_node()
        vi = Locale.objects.get_or_create(language_code="vi")[0]
        home = HomePage(
            title=event.name,
            slug=VI["home"]["slug"],
            locale=vi,
            event=event,
            lead=VI["home"]["lead"],
            body=_text(VI["home"]["body"]),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        _make_site_root(home, event)
    site = Site.objects.filter(is_default_site=True, root_page=home).first()
    if site is not None and (site.hostname, site.port) != site_address():
        site.hostname, site.port = site_address()
        site.save()  # through save(): Wagtail clears its cached site root paths
    en = Locale.objects.get_or_create(language_code="en")[0]
    if not HomePage.objects.filter(translation_key=home.translation_key, locale=en).exists():
        home_en = home.copy_for_translation(en)
        home_en.title, home_en.lead = EN["home"]["title"], EN["home"]["lead"]
        home_en.body = _text(EN["home"]["body"])
        home_en.save_revision().publish()
    return home


def _make_site_root(home: HomePage, event: Event) -> None:
    """The default Site's root becomes ``home``; a root that was not a home page goes."""
    site = Site.objects.filter(is_default_site=True).first()
    old_root_id = site.root_page_id if site else None
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "site_name": event.name}
    )
    if old_root_id and old_root_id != home.pk:
        old = Page.objects.get(pk=old_root_id)
        if not isinstance(old.specific, HomePage):
            old.delete()


# --- Helpers ----------------------------------------------------------------------------------


def _at(moment: dt.time) -> dt.datetime:
    """A time of the seed's day; ``load_site`` moves it to the event's day."""
    return dt.datetime.combine(SEED_DAY, moment, tzinfo=HCM)


def _placeholder_image(
    *, title: str, label: str, size: tuple[int, int], colour: str, description: str
):
    """A plain image with a few letters on it (the demo has no real photos or logos)."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    font_size = max(16, min(size) // 3)
    try:
        font = ImageFont.load_default(size=font_size)
    except (TypeError, OSError):  # pragma: no cover - old Pillow
        font = None
    if label:  # ASCII: the default font lacks ạ, đ…
        box = draw.textbbox((0, 0), label, font=font)
        x = (size[0] - (box[2] - box[0])) / 2
        y = (size[1] - (box[3] - box[1])) / 2 - box[1]
        draw.text((x, y), label, fill="white", font=font)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    name = (fold(title).replace(" ", "-")[:60] or "image") + ".png"
    return Image.objects.create(
        title=title, description=description, file=ImageFile(buffer, name=name)
    )


def _demo_pdf(*, title: str, heading: str, paragraphs: list[str]) -> object:
    """A small PDF document (slides or a paper) rendered with the shared renderer."""

    Document = get_document_model()
    existing = Document.objects.filter(title=title).first()
    if existing is not None:
        return existing
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>@page {{ size: A4; margin: 2cm }} "
        'html { font-family: "DejaVu Sans", sans-serif; } h1 { font-size: 20pt }</style>'
        f"</head><body><h1>{heading}</h1>{body}</body></html>"
    )
    pdf = render_html_to_pdf(html)
    name = (fold(title).replace(" ", "-")[:60] or "document") + ".pdf"
    return Document.objects.create(title=title, file=ContentFile(pdf, name=name))


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    """The live child ``slug`` of ``parent``, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, locale_id=parent.locale_id, **fields)
    parent.add_child(instance=page)
    return _publish(page)


def _redate(page: Page, **fields) -> None:
    """Give ``page`` and its translations these date fields (a new published revision each),
    where they differ: the demo forum was moved to another day."""
    model = type(page)
    for each in model.objects.filter(translation_key=page.translation_key):
        if any(getattr(each, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(each, name, value)
            _publish(each)


def _translate(page: Page, locale: Locale, **fields) -> Page:
    """The translation of ``page`` into ``locale``, copied and published if missing."""
    model = type(page)
    existing = model.objects.filter(translation_key=page.translation_key, locale=locale).first()
    if existing is not None:
        return existing
    copy = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    return _publish(copy)


def _image(kind: str, *, label: str, colour: str | None = None, **names):
    """The placeholder image ``kind`` of ``forum.toml``/``vi.toml`` ([images.<kind>]): its
    title and description with ``names`` filled in."""
    shape, text = FORUM["images"][kind], VI["images"][kind]
    return _placeholder_image(
        title=text["title"].format(**names),
        label=label,
        size=tuple(shape["size"]),
        colour=colour or shape["colour"],
        description=text["description"].format(**names),
    )


def _document(key: str):
    """The demo PDF ``key`` of vi.toml's [documents]."""
    return _demo_pdf(**VI["documents"][key])


# --- Speakers ---------------------------------------------------------------------------------


def _initials(name: str) -> str:
    words = name.split()
    return (words[0][0] + words[-1][0]).upper() if len(words) > 1 else name[:2].upper()


def _speaker_fields(key: str) -> dict:
    """A speaker's fields in both languages; without a biography, the illustrative one."""
    vi, en = VI["speakers"][key], EN["speakers"][key]
    return {
        "position": vi["position"],
        "position_en": en["position"],
        "organization": vi["organization"],
        "organization_en": en["organization"],
        "bio": _text(vi.get("bio", VI["illustrative_bio"])),
        "bio_en": _text(en.get("bio", EN["illustrative_bio"])),
    }


def load_speakers() -> dict[str, Speaker]:
    speakers = {}
    for key, spec in FORUM["speakers"].items():
        name = spec["name"]
        speaker = Speaker.objects.filter(name=name).first()
        if speaker is None:
            photo = _image(
                "speaker", label=_initials(fold(name)), colour=spec["colour"], name=name
            )  # the label in ASCII: the default font lacks ạ, đ…
            speaker = Speaker(
                name=name,
                photo=photo,
                photo_alt=VI["images"]["speaker"]["alt"].format(name=name),
                **_speaker_fields(key),
            )
            speaker.full_clean()
            speaker.save()
        speakers[key] = speaker
    return speakers


# --- Sessions ---------------------------------------------------------------------------------


def _new_session(
    slug: str, *, agenda: AgendaPage, speakers: dict[str, Speaker], offset
) -> SessionPage:
    """The session ``slug`` of the data files, not saved yet."""
    spec, text = SESSIONS[slug], VI["sessions"][slug]
    session = SessionPage(
        title=text["title"],
        slug=slug,
        locale_id=agenda.locale_id,
        starts_at=_at(spec["start"]) + offset,
        ends_at=_at(spec["end"]) + offset,
        room=ROOMS.get(spec["room"], ""),
        room_en=ROOMS_EN.get(spec["room"], ""),
        kind=spec["kind"],
        abstract=_text(text["abstract"]),
        body=_stream(text.get("body", []), VI),
    )
    session.session_speakers = [
        SessionSpeaker(speaker=speakers[key], role=role, sort_order=i)
        for i, (key, role) in enumerate(spec["speakers"])
    ]
    session.attachments = [
        SessionAttachment(document=_document(key), sort_order=i)
        for i, key in enumerate(spec.get("attachments", []))
    ]
    if "paper" in spec:
        session.paper = _document(spec["paper"])
    return session


def load_sessions(
    *, agenda: AgendaPage, speakers: dict[str, Speaker], offset: dt.timedelta = dt.timedelta()
) -> list[SessionPage]:
    """The seed's sessions under ``agenda``, moved ``offset`` (whole days) from the seed's day."""
    sessions = []
    for slug, spec in SESSIONS.items():
        existing = SessionPage.objects.child_of(agenda).filter(slug=slug).first()
        if existing is not None:
            _redate(
                existing, starts_at=_at(spec["start"]) + offset, ends_at=_at(spec["end"]) + offset
            )
            existing.refresh_from_db()
            sessions.append(existing)
            continue
        session = _new_session(slug, agenda=agenda, speakers=speakers, offset=offset)
        agenda.add_child(instance=session)
        sessions.append(_publish(session))
    return sessions


# --- The site ---------------------------------------------------------------------------------


def _load_forum(event: Event, home: HomePage, hero) -> ForumPage:
    """The Vietnamese forum page of ``event`` under ``home``, with its organizers."""
    forum = ForumPage.objects.filter(event=event, locale=home.locale).first()
    if forum is not None:
        return forum
    text = VI["pages"]["forum"]
    forum = ForumPage(
        title=event.name,
        slug=text["slug"],
        locale=home.locale,
        event=event,
        lead=text["lead"],
        hero_image=hero,
        venue_details=_text(text["venue_details"]),
        key_figures=_stream(text["key_figures"], VI),
        foreword=_text(text["foreword"]),
        search_description=text["lead"],
    )
    forum.organizers = [
        ForumOrganizer(
            role=item["role"],
            name=item["name"],
            url=item["url"],
            sort_order=i,
            logo=_image("logo", label=item["label"], colour=item["colour"], name=item["name"]),
        )
        for i, item in enumerate(FORUM["organizers"])
    ]
    home.add_child(instance=forum)
    return _publish(forum)


def _vi_pages(forum: ForumPage, home: HomePage, *, hero, speakers, offset) -> tuple[dict, list]:
    """The Vietnamese pages below the forum and the home page, by their key in vi.toml, and
    the agenda's sessions, in the order the demo always made them."""
    text = VI["pages"]
    pages = {"forum": forum}
    pages["agenda"] = _child(
        forum,
        AgendaPage,
        text["agenda"]["slug"],
        title=text["agenda"]["title"],
        intro=_text(text["agenda"]["intro"]),
        rooms="\n".join(ROOMS[key] for key in FORUM["agenda"]["rooms"]),
    )
    sessions = load_sessions(agenda=pages["agenda"], speakers=speakers, offset=offset)
    for key, model in (("speakers", SpeakerIndexPage), ("exhibition", ExhibitionPage)):
        page = text[key]
        pages[key] = _child(
            forum, model, page["slug"], title=page["title"], intro=_text(page["intro"])
        )
    about = text["about"]
    pages["about"] = _child(
        forum,
        StandardPage,
        about["slug"],
        title=about["title"],
        lead=text["forum"]["lead"],
        body=_stream(about["body"], VI, pages),
    )
    for key, parent in (("venue", forum), ("faq", forum), ("privacy", home)):
        page = text[key]
        fields = {"lead": page["lead"]} if "lead" in page else {}
        pages[key] = _child(
            parent,
            StandardPage,
            page["slug"],
            title=page["title"],
            body=_stream(page["body"], VI),
            **fields,
        )
    pages["news_index"] = _child(
        home, NewsIndexPage, text["news_index"]["slug"], title=text["news_index"]["title"]
    )
    news = text["news"]
    pages["news"] = _child(
        pages["news_index"],
        NewsPage,
        news["slug"],
        title=news["title"],
        date=SEED_DAY + offset,
        lead=VI["home"]["lead"],  # the article's lead, as on the home page
        image=hero,
        image_alt=news["image_alt"],
        body=_stream(news["body"], VI),
    )
    return pages, sessions


def _translation_fields(key: str) -> dict:
    """The English fields of the page ``key`` of en.toml: rich text from paragraphs,
    StreamFields from blocks; what en.toml lacks stays copied from the Vietnamese page."""
    fields = {}
    for name, value in EN["pages"][key].items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            fields[name] = _stream(value, EN)
        elif isinstance(value, list):
            fields[name] = _text(value)
        else:
            fields[name] = value
    if key == "forum":
        fields["search_description"] = fields["lead"]
    if key == "about":
        fields["lead"] = EN["pages"]["forum"]["lead"]
    if key == "news":
        fields["lead"] = EN["home"]["lead"]  # the article's lead, as on the home page
    return fields


@transaction.atomic
def load_site(event: Event) -> ForumPage:
    """Every page type of the demo, in Vietnamese and English. Idempotent."""
    home = load_home(event)
    en = Locale.objects.get_or_create(language_code="en")[0]
    speakers = load_speakers()
    hero = _image("hero", label="")
    forum = _load_forum(event, home, hero)
    offset = demo_offset(event)
    pages, sessions = _vi_pages(forum, home, hero=hero, speakers=speakers, offset=offset)
    _redate(pages["news"], date=SEED_DAY + offset)

    # English translations: each page, the agenda followed by its sessions.
    for key, page in pages.items():
        _translate(page, en, **_translation_fields(key))
        if key == "agenda":
            _translate_sessions(sessions, en)
    return forum


def _translate_sessions(sessions: list[SessionPage], en: Locale) -> None:
    """The English sessions: title and abstract from en.toml, the rest copied."""
    for session in sessions:
        text = EN["sessions"].get(session.slug)
        if text is not None:
            _translate(session, en, title=text["title"], abstract=_text(text["abstract"]))
