"""The context builder: the forum in the CMS → a ``Book`` (plain data the templates print).

Everything is read in the forum page's language and normalised to NFC. Rich text is expanded
(Wagtail's database format → HTML) and its links made absolute on the public site; images
become renditions sized for print, served to the renderer from our media. What cannot be
printed (an unreadable image, an image from another server, an unreadable paper) is noted in
``book.problems`` for the pre-flight report.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText, expand_db_html

from cms.enums import SpeakerRole
from cms.models import ForumPage, SessionPage, Speaker, richtext_to_text
from cms.proceedings import selectors
from cms.proceedings.book import (
    Book,
    BookChapter,
    BookChapterSpeaker,
    BookExhibitor,
    BookPaper,
    BookPerson,
    BookProblem,
)
from cms.proceedings.exceptions import ProceedingsError
from cms.proceedings.render import paper_open
from core.pdf import media_url
from core.text import fold, nfc

_HREF_ON_SITE = re.compile(r'(<a\b[^>]*?\bhref=["\'])/(?!/)', re.IGNORECASE)
_IMG_SRC = re.compile(r'<img\b[^>]*?\bsrc=["\']([^"\']*)["\']', re.IGNORECASE)


def book_build(*, forum: ForumPage) -> Book:
    """Read the forum, its sessions, speakers, organizers and exhibitors into a ``Book``.

    Side effects: creates missing image renditions (files under MEDIA_ROOT).
    """
    language = forum.locale.language_code if forum.locale_id else settings.LANGUAGE_CODE
    with translation.override(language):
        return _Builder(forum=forum, language=language).build()


class _Builder:
    def __init__(self, *, forum: ForumPage, language: str):
        self.forum = forum
        self.event = forum.event
        self.language = language
        self.problems: list[BookProblem] = []
        self.people: dict[int, BookPerson] = {}

    # --- the whole book -----------------------------------------------------------------------

    def build(self) -> Book:
        sessions = selectors.book_sessions(forum=self.forum)
        chapters = [self.chapter(n, session) for n, session in enumerate(sessions, start=1)]
        organizers = selectors.book_organizers(forum=self.forum)
        organizer = self.event.organizer or ", ".join(o.name for o in organizers)
        starts = timezone.localtime(self.event.starts_at)
        ends = timezone.localtime(self.event.ends_at)
        forum_name = nfc(self.event.name or self.forum.title)
        return Book(
            title=nfc(_("Proceedings · %(forum)s") % {"forum": forum_name}),
            forum_name=forum_name,
            theme=nfc(self.event.theme),
            starts_at=starts,
            ends_at=ends,
            venue=nfc(self.event.venue),
            organizer=nfc(organizer),
            logo_urls=[
                url
                for o in organizers
                if o.logo and (url := self.image_url(o.logo, selectors.LOGO, where=o.name))
            ],
            foreword_html=self.richtext(self.forum.foreword, where=_("Foreword")),
            chapters=chapters,
            speakers=sorted(self.people.values(), key=lambda person: person.sort_key),
            exhibitors=self.exhibitors(),
            keywords=[k for k in (nfc(self.event.theme), forum_name) if k],
            created_at=timezone.localtime(),
            several_days=starts.date() != ends.date(),
            lang=self.language,
            problems=self.problems,
        )

    # --- chapters -----------------------------------------------------------------------------

    def chapter(self, number: int, session: SessionPage) -> BookChapter:
        title = nfc(session.title)
        chapter = BookChapter(
            number=number,
            anchor=f"session-{session.pk}",
            title=title,
            starts_at=timezone.localtime(session.starts_at),
            ends_at=timezone.localtime(session.ends_at),
            room=nfc(session.room),
            abstract_html=self.richtext(session.abstract, where=title),
            body_html=self.stream(session.body, where=title),
            paper=self.paper(session, where=title),
            source_id=session.pk,
        )
        for link in session.session_speakers.all():
            person = self.person(link.speaker)
            role = _("Moderator") if link.role == SpeakerRole.MODERATOR else ""
            chapter.speakers.append(BookChapterSpeaker(person=person, role=role))
            if chapter not in person.chapters:
                person.chapters.append(chapter)
        return chapter

    def paper(self, session: SessionPage, *, where: str) -> BookPaper | None:
        document = session.paper
        if document is None:
            return None
        if not document.file.name.lower().endswith(".pdf"):
            self.problem("paper_not_pdf", _("The paper is not a PDF: it is left out."), where)
            return None
        try:
            reader = paper_open(name=document.file.name, title=where)
        except (ProceedingsError, NotImplementedError, ValueError) as error:
            message = getattr(error, "message", str(error))
            self.problem("paper_unreadable", message, where)
            return None
        pages, limit = len(reader.pages), settings.PROCEEDINGS_MAX_PAPER_PAGES
        if pages > limit:
            # An 8,000-page paper stalled a build for minutes and a gigabyte: left out, and said.
            message = _(
                "The paper has %(pages)d pages, more than the %(limit)d a paper may have: it is"
                " left out. Attach a shorter version (or a link to the full text)."
            ) % {"pages": pages, "limit": limit}
            self.problem("paper_too_long", message, where)
            return None
        return BookPaper(name=document.file.name, page_count=pages, title=nfc(document.title))

    def person(self, speaker: Speaker) -> BookPerson:
        if speaker.pk in self.people:
            return self.people[speaker.pk]
        name = nfc(speaker.name)
        where = _("Speaker %(name)s") % {"name": name}
        parts = name.split()
        # Vietnamese names are sorted by the given name, the last word.
        sort_key = (fold(parts[-1]) if parts else "", fold(name), speaker.pk)
        person = BookPerson(
            anchor=f"speaker-{speaker.pk}",
            name=name,
            position=nfc(speaker.display_position),
            organization=nfc(speaker.display_organization),
            photo_url=self.image_url(speaker.photo, selectors.PHOTO, where=where)
            if speaker.photo
            else "",
            bio_html=self.richtext(speaker.display_bio, where=where),
            sort_key=sort_key,
            source_id=speaker.pk,
        )
        self.people[speaker.pk] = person
        return person

    def exhibitors(self) -> list[BookExhibitor]:
        result = []
        for exhibitor, booths in selectors.book_exhibitors(event=self.event):
            logo = getattr(exhibitor, "logo", None)
            sector = exhibitor.get_sector_display() if getattr(exhibitor, "sector", "") else ""
            result.append(
                BookExhibitor(
                    name=nfc(exhibitor.name),
                    booths=", ".join(booths),
                    logo_url=self.file_url(logo, where=exhibitor.name) if logo else "",
                    sector=nfc(str(sector)),
                    website=getattr(exhibitor, "website", ""),
                )
            )
        return result

    # --- content ------------------------------------------------------------------------------

    def richtext(self, value, *, where: str) -> str:
        """Print HTML of a rich-text value (database format, or a RichText)."""
        source = value.source if isinstance(value, RichText) else str(value or "")
        if not richtext_to_text(source).strip() and "<img" not in source.lower():
            return ""
        return self.checked_html(expand_db_html(source), where=where)

    def checked_html(self, fragment: str, *, where: str) -> str:
        """NFC, links made absolute on the public site; images from elsewhere noted."""
        base = settings.BASE_URL.rstrip("/")
        fragment = _HREF_ON_SITE.sub(lambda m: f"{m.group(1)}{base}/", nfc(fragment))
        for src in _IMG_SRC.findall(fragment):
            if not src.startswith((settings.MEDIA_URL, settings.STATIC_URL, "data:")):
                self.problem(
                    "image_elsewhere",
                    _("An image from another server is not printed: %(url)s") % {"url": src[:120]},
                    where,
                )
        return fragment

    def stream(self, value, *, where: str) -> str:
        """Print HTML of the full text (headings, paragraphs, images, quotes, tables)."""
        items = []
        for block in value or []:
            kind, data = block.block_type, block.value
            if kind == "paragraph":
                items.append({"type": "html", "html": self.richtext(data, where=where)})
            elif kind == "heading":
                items.append({"type": "heading", "level": data["level"], "text": nfc(data["text"])})
            elif kind == "image":
                image = data["image"]
                url = self.image_url(image, selectors.CONTENT_IMAGE, where=where) if image else ""
                if url:
                    alt = "" if getattr(image, "decorative", False) else image_alt(image)
                    items.append(
                        {"type": "image", "url": url, "alt": alt, "caption": nfc(data["caption"])}
                    )
            elif kind == "quote":
                items.append(
                    {
                        "type": "quote",
                        "text": nfc(data["quote"]),
                        "attribution": nfc(data["attribution"]),
                    }
                )
            elif kind == "table":
                items.append({"type": "table", **table_rows(data)})
            else:
                text = " ".join(str(part) for part in block.block.get_searchable_content(data))
                items.append({"type": "text", "text": nfc(text)})
        if not items:
            return ""
        return render_to_string("pdf/proceedings/stream.html", {"items": items})

    def image_url(self, image, spec: str, *, where: str) -> str:
        """The URL of a print rendition, or "" (and a problem) when the image is unreadable."""
        try:
            if not image.file.storage.exists(image.file.name):
                raise FileNotFoundError(image.file.name)
            return media_url(image.get_rendition(spec).file.name)
        except Exception:  # a missing or broken file: the book goes on without the image
            self.problem(
                "image_missing",
                _("Image “%(title)s” is missing or unreadable.") % {"title": image.title},
                where,
            )
            return ""

    def file_url(self, file, *, where: str) -> str:
        if file.storage.exists(file.name):
            return media_url(file.name)
        self.problem(
            "image_missing", _("Image “%(title)s” is missing.") % {"title": file.name}, where
        )
        return ""

    def problem(self, code: str, message: str, where: str) -> None:
        self.problems.append(BookProblem(code=code, message=nfc(str(message)), where=nfc(where)))


def image_alt(image) -> str:
    return nfc(getattr(image, "contextual_alt_text", "") or getattr(image, "default_alt_text", ""))


def table_rows(value) -> dict:
    """Header and body rows of a TableBlock value, cells as text."""
    rows = [[nfc(str(cell)) if cell is not None else "" for cell in row] for row in value["data"]]
    head = rows[:1] if value.get("first_row_is_table_header") and rows else []
    return {
        "head": head,
        "rows": rows[len(head) :],
        "first_col_is_header": bool(value.get("first_col_is_header")),
        "caption": nfc(value.get("table_caption") or ""),
    }
