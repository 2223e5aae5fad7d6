"""The pre-flight report: what the book will lack, checked before it is built.

Sessions without abstract or speaker, speakers without photo or biography, images missing or
from elsewhere, unreadable papers, and every character of the content the book's font cannot
draw.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from cms.models import richtext_to_text
from cms.proceedings.book import Book
from cms.proceedings.fonts import MissingGlyph, missing_glyphs

#: Headings of the report's groups, in the order shown.
GROUPS = {
    "session_no_abstract": _("Sessions without abstract"),
    "session_no_speaker": _("Sessions without speaker"),
    "speaker_no_photo": _("Speakers without photo"),
    "speaker_no_bio": _("Speakers without biography"),
    "image_missing": _("Images missing"),
    "image_elsewhere": _("Images from other servers (not printed)"),
    "paper_unreadable": _("Papers that cannot be appended"),
    "paper_not_pdf": _("Papers that cannot be appended"),
    "paper_too_long": _("Papers that cannot be appended"),
}


@dataclass
class PreflightItem:
    code: str
    where: str
    message: str = ""
    edit_url: str = ""


@dataclass
class PreflightReport:
    sessions: int = 0
    speakers: int = 0
    papers: int = 0
    exhibitors: int = 0
    items: list[PreflightItem] = field(default_factory=list)
    glyphs: list[MissingGlyph] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.items and not self.glyphs

    def codes(self) -> list[str]:
        return [item.code for item in self.items]

    def groups(self) -> list[tuple[str, list[PreflightItem]]]:
        """Items under their group's heading, in a fixed order (for the admin)."""
        grouped: dict[str, list[PreflightItem]] = {}
        for item in self.items:
            grouped.setdefault(str(GROUPS.get(item.code, item.code)), []).append(item)
        order = list(dict.fromkeys(str(heading) for heading in GROUPS.values()))
        return sorted(grouped.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)

    def as_dict(self) -> dict:
        return {
            "sessions": self.sessions,
            "speakers": self.speakers,
            "papers": self.papers,
            "exhibitors": self.exhibitors,
            "items": [item.__dict__ for item in self.items],
            "glyphs": [glyph.as_dict() for glyph in self.glyphs],
        }


def book_preflight(*, book: Book) -> PreflightReport:
    """Check a book read from the CMS. Side effects: none."""
    report = PreflightReport(
        sessions=len(book.chapters),
        speakers=len(book.speakers),
        papers=len(book.papers),
        exhibitors=len(book.exhibitors),
    )
    checks = [
        (
            chapter.title,
            _edit_page_url(chapter.source_id),
            {
                "session_no_abstract": not chapter.abstract_html,
                "session_no_speaker": not chapter.speakers,
            },
        )
        for chapter in book.chapters
    ] + [
        (
            person.name,
            _edit_speaker_url(person.source_id),
            {"speaker_no_photo": not person.photo_url, "speaker_no_bio": not person.bio_html},
        )
        for person in book.speakers
    ]
    for where, url, lacks in checks:
        report.items += [
            PreflightItem(code, where, edit_url=url) for code, lacking in lacks.items() if lacking
        ]
    for problem in book.problems:
        report.items.append(PreflightItem(problem.code, problem.where, message=problem.message))
    report.glyphs = missing_glyphs(_texts(book))
    return report


def _texts(book: Book) -> Iterator[tuple[str, str]]:
    """Every text the book prints, with where it is (for the glyph check)."""
    cover = str(_("Cover"))
    yield cover, " ".join([book.forum_name, book.theme, book.venue, book.organizer])
    yield str(_("Foreword")), richtext_to_text(book.foreword_html)
    for chapter in book.chapters:
        yield (
            chapter.title,
            " ".join(
                [chapter.title, chapter.room, richtext_to_text(chapter.abstract_html)]
                + [richtext_to_text(chapter.body_html)]
            ),
        )
    for person in book.speakers:
        yield (
            person.name,
            " ".join([person.name, person.affiliation, richtext_to_text(person.bio_html)]),
        )
    for exhibitor in book.exhibitors:
        yield exhibitor.name, " ".join([exhibitor.name, exhibitor.sector, exhibitor.website])


def _edit_page_url(page_id: int | None) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else ""


def _edit_speaker_url(speaker_id: int | None) -> str:
    if not speaker_id:
        return ""
    try:
        return reverse("wagtailsnippets_cms_speaker:edit", args=[speaker_id])
    except NoReverseMatch:
        return ""
