"""The book's content as plain data: what the templates in ``templates/pdf/proceedings/`` print.

The context builder (``selectors.book_for_forum``) fills these from the CMS; the benchmark and
the templates only see these classes, so the layout can be worked on without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BookProblem:
    """Something the book cannot print as the editors meant (for the pre-flight report)."""

    code: str
    message: str
    where: str


@dataclass(frozen=True)
class BookPaper:
    """An uploaded paper (PDF) whose pages follow the talk's chapter; ``name`` is its name in
    the media storage (the local folder or a bucket)."""

    name: str
    page_count: int
    title: str

    @property
    def page_numbers(self) -> range:
        return range(1, self.page_count + 1)


@dataclass
class BookPerson:
    """A speaker, as printed in chapters and in the index of speakers."""

    anchor: str
    name: str
    position: str = ""
    organization: str = ""
    photo_url: str = ""
    bio_html: str = ""
    sort_key: tuple = ()
    chapters: list[BookChapter] = field(default_factory=list)
    source_id: int | None = None  # the Speaker snippet

    @property
    def affiliation(self) -> str:
        return ", ".join(part for part in (self.position, self.organization) if part)


@dataclass(frozen=True)
class BookChapterSpeaker:
    person: BookPerson
    role: str = ""  # "Chủ trì" for a moderator, empty for a speaker


@dataclass
class BookChapter:
    """One session of the agenda."""

    number: int
    anchor: str
    title: str
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    room: str = ""
    speakers: list[BookChapterSpeaker] = field(default_factory=list)
    abstract_html: str = ""
    body_html: str = ""
    paper: BookPaper | None = None
    source_id: int | None = None  # the SessionPage


@dataclass(frozen=True)
class BookExhibitor:
    name: str
    booths: str = ""
    logo_url: str = ""
    sector: str = ""
    website: str = ""


@dataclass
class Book:
    """The whole book: cover, foreword, contents, chapters, speakers' index, exhibitors."""

    title: str
    forum_name: str
    theme: str = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str = ""
    organizer: str = ""
    logo_urls: list[str] = field(default_factory=list)
    foreword_html: str = ""
    chapters: list[BookChapter] = field(default_factory=list)
    speakers: list[BookPerson] = field(default_factory=list)
    exhibitors: list[BookExhibitor] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    created_at: dt.datetime | None = None
    several_days: bool = False
    lang: str = "vi"
    problems: list[BookProblem] = field(default_factory=list)

    @property
    def papers(self) -> list[tuple[BookChapter, BookPaper]]:
        return [(chapter, chapter.paper) for chapter in self.chapters if chapter.paper]
