"""Wagtail pages and snippets of the forum's site.

Page tree (enforced with ``parent_page_types``/``subpage_types``)::

    HomePage (site root, presents the main forum)
    ├── ForumPage (one per event and language)
    │   ├── AgendaPage ── SessionPage (one page per session; ``calendar.ics`` route)
    │   ├── SpeakerIndexPage (``/<speaker-slug>/`` routes: one page per Speaker snippet)
    │   ├── ExhibitionPage (the exhibition app fills it through a hook, see there)
    │   ├── NewsIndexPage ── NewsPage
    │   └── StandardPage ── StandardPage
    ├── NewsIndexPage ── NewsPage
    └── StandardPage ── StandardPage (About, Venue & travel, FAQ, Privacy policy)

Every page and the Speaker snippet keep a folded ``search_text`` (lower case, no accents, đ→d;
``core.text.fold``), rebuilt on each full save, so that search is accent-blind on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import html

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join, strip_tags
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import (
    RICH_TEXT_FEATURES,
    ArticleStreamBlock,
    ContentStreamBlock,
    KeyFiguresStreamBlock,
    LinksStreamBlock,
)
from cms.enums import OrganizerRole, SessionKind, SpeakerRole
from cms.page_context import extra_context, serve_route
from cms.panels import LabelledInlinePanel
from core.localized import localized, localized_text
from core.text import fold

IMAGE_MODEL = "wagtailimages.Image"
DOCUMENT_MODEL = "wagtaildocs.Document"


def image_field(verbose_name):
    """An optional image: renditions of fixed sizes in the templates; kept if the image goes."""
    return models.ForeignKey(
        IMAGE_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def alt_text_field(verbose_name, help_text):
    """The alt text of an image field; ``clean()`` requires it when the image is set."""
    return models.CharField(verbose_name, max_length=250, blank=True, help_text=help_text)


def require_alt_text(instance, image_field_name: str, alt_field_name: str, message) -> None:
    if (
        getattr(instance, f"{image_field_name}_id")
        and not getattr(instance, alt_field_name).strip()
    ):
        raise ValidationError({alt_field_name: message})


# --- Folded search text -----------------------------------------------------------------------


def richtext_to_text(value) -> str:
    """Plain text of a rich-text value (HTML source), entities decoded."""
    return html.unescape(strip_tags(str(value or "")))


def stream_to_text(value) -> str:
    """Plain text of a StreamField value, from its blocks' searchable content."""
    if not value:
        return ""
    parts = value.stream_block.get_searchable_content(value)
    return " ".join(richtext_to_text(part) for part in parts if part)


class FoldedSearchMixin(models.Model):
    """Keeps ``search_text``: the folded text that the site search matches against.

    Rebuilt on a full ``save()`` only: Wagtail saves a draft of a live page with
    ``update_fields``, and a draft must not leak into what the public search finds.
    """

    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None:
            self.refresh_search_text()
        return super().save(*args, **kwargs)

    def get_search_parts(self) -> list[str]:
        return [getattr(self, "title", "")]

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join(part for part in self.get_search_parts() if part))


# --- ASCII slugs ------------------------------------------------------------------------------


def ascii_slug(value: str) -> str:
    """A slug of plain ASCII: tones removed, đ→d ("Tham luận: Đổi mới" → "tham-luan-doi-moi"),
    so that URLs read the same everywhere instead of percent-encoded."""
    return slugify(fold(value))


class AsciiSlugMixin:
    """Every page's slug is ASCII, whatever the editor or a script gave: a Vietnamese slug is
    folded on each clean (``save()`` and ``save_revision()`` clean), and a missing slug is made
    from the title the same way (Wagtail's own would drop ``đ``). ``WAGTAIL_ALLOW_UNICODE_SLUGS
    = False`` makes the admin's slug field transliterate as the editor types."""

    def full_clean(self, *args, **kwargs):
        if self.slug and not self.slug.isascii():
            self.slug = ascii_slug(self.slug)
        elif (
            not self.slug
            and self.title
            and (self.path or getattr(self, "_cached_parent_obj", None))
        ):
            base = ascii_slug(self.title)
            if base:
                self.slug = self._get_autogenerated_slug(base)
        return super().full_clean(*args, **kwargs)


class SocialMixin:
    """What the OpenGraph/Twitter tags show for a page (see templates/includes/social_meta.html)."""

    og_type = "website"

    def social_image(self):
        return None

    def social_description(self) -> str:
        return getattr(self, "search_description", "") or ""


# --- Snippets -------------------------------------------------------------------------------


class Speaker(FoldedSearchMixin, index.Indexed, ClusterableModel):
    """A person who speaks or moderates. One record for both languages: the name does not
    change, position, organization and bio have an English version."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, blank=True)
    position = models.CharField(_("title / position"), max_length=200, blank=True)
    position_en = models.CharField(_("title / position (English)"), max_length=200, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    organization_en = models.CharField(_("organization (English)"), max_length=200, blank=True)
    photo = image_field(_("photo"))
    photo_alt = alt_text_field(
        _("photo alt text"),
        _("Required with a photo: what the photo shows, for screen readers."),
    )
    bio = RichTextField(_("biography"), blank=True, features=RICH_TEXT_FEATURES)
    bio_en = RichTextField(_("biography (English)"), blank=True, features=RICH_TEXT_FEATURES)
    links = StreamField(LinksStreamBlock(), verbose_name=_("links"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("position"), FieldPanel("position_en")]),
        FieldRowPanel([FieldPanel("organization"), FieldPanel("organization_en")]),
        MultiFieldPanel([FieldPanel("photo"), FieldPanel("photo_alt")], heading=_("Photo")),
        FieldPanel("bio"),
        FieldPanel("bio_en"),
        FieldPanel("links"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("organization"),
        index.SearchField("search_text"),
    ]

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        require_alt_text(self, "photo", "photo_alt", _("Describe the photo (alt text)."))

    def _unique_slug(self) -> str:
        base = slugify(fold(self.name))[:120] or "speaker"
        slug, n = base, 2
        while Speaker.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def get_search_parts(self) -> list[str]:
        return [
            self.name,
            self.position,
            self.position_en,
            self.organization,
            self.organization_en,
            richtext_to_text(self.bio),
            richtext_to_text(self.bio_en),
        ]

    # The language of the request picks the English version when there is one.
    def _localized(self, field: str) -> str:
        value = getattr(self, field)
        if (get_language() or "vi").startswith("en"):
            return getattr(self, f"{field}_en") or value
        return value

    @property
    def display_position(self) -> str:
        return self._localized("position")

    @property
    def display_organization(self) -> str:
        return self._localized("organization")

    @property
    def display_bio(self) -> str:
        return self._localized("bio")

    @property
    def affiliation(self) -> str:
        return ", ".join(p for p in (self.display_position, self.display_organization) if p)

    @property
    def affiliation_html(self) -> str:
        """The affiliation for a page: a part without an English version is marked
        ``lang="vi"`` on English pages."""
        parts = (localized(self, "position"), localized(self, "organization"))
        return format_html_join(", ", "{}", ((part,) for part in parts if part))


# --- Home and forum ---------------------------------------------------------------------------


class HomePage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    """The site's root page: presents the main forum (the ForumPage of ``event`` below it)."""

    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The forum this home page presents."),
    )
    lead = models.TextField(_("lead"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("event"),
        FieldPanel("lead"),
        FieldPanel("body"),
    ]
    translation_synced_fields = ("event",)
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ForumPage", "cms.NewsIndexPage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("home page")

    def get_search_parts(self) -> list[str]:
        return [self.title, self.lead, richtext_to_text(self.body)]

    def social_description(self) -> str:
        return self.search_description or self.lead

    def route(self, request, path_components):
        """Find the deepest page of the path in one query (Wagtail walks the tree with two
        queries per level), then let it route the rest (a speaker's slug, or a 404)."""
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "/".join(path_components[:n]) + "/"
            for n in range(1, len(path_components) + 1)
        ]
        deepest = (
            Page.objects.filter(path__startswith=self.path, url_path__in=prefixes)
            .order_by("-depth")
            .first()
        )
        if deepest is None:
            raise Http404
        return deepest.specific.route(request, path_components[deepest.depth - self.depth :])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(extra_context(self, request))
        return context


class ForumOrganizer(Orderable):
    """An organizer, co-organizer, sponsor or partner of a forum, with its logo."""

    page = ParentalKey("cms.ForumPage", on_delete=models.CASCADE, related_name="organizers")
    role = models.CharField(
        _("role"), max_length=20, choices=OrganizerRole.choices, default=OrganizerRole.ORGANIZER
    )
    name = models.CharField(_("name"), max_length=200)
    logo = image_field(_("logo"))
    url = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("role"), FieldPanel("name"), FieldPanel("logo"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("organizer")
        verbose_name_plural = _("organizers")


class ForumPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    """The forum of one event (one per event and language): hero, venue, organizers, key
    figures, call to register, links to agenda, speakers and exhibition; schema.org Event."""

    event = models.ForeignKey(
        "events.Event", verbose_name=_("event"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two sentences under the name.")
    )
    hero_image = image_field(_("hero image"))
    venue_details = RichTextField(
        _("venue and access"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("How to get there, parking, entrances."),
    )
    map_url = models.URLField(
        _("map link"), blank=True, help_text=_("Empty: the event's map link.")
    )
    registration_url = models.CharField(
        _("registration link"),
        max_length=300,
        blank=True,
        help_text=_("Empty: the site's registration page for this event."),
    )
    key_figures = StreamField(KeyFiguresStreamBlock(), verbose_name=_("key figures"), blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)
    foreword = RichTextField(
        _("foreword of the proceedings"), blank=True, features=RICH_TEXT_FEATURES
    )
    proceedings_document = models.ForeignKey(
        DOCUMENT_MODEL,
        verbose_name=_("published proceedings"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("event"),
        MultiFieldPanel([FieldPanel("lead"), FieldPanel("hero_image")], heading=_("Hero")),
        MultiFieldPanel([FieldPanel("venue_details"), FieldPanel("map_url")], heading=_("Venue")),
        FieldPanel("registration_url"),
        InlinePanel("organizers", label=_("Organizers and co-organizers"), heading=_("Organizers")),
        FieldPanel("key_figures"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("foreword"), FieldPanel("proceedings_document")],
            heading=_("Proceedings"),
        ),
    ]
    #: Data that translations take from the Vietnamese page on publish (cms.translations).
    translation_synced_fields = ("event", "hero_image", "map_url")
    parent_page_types = ["cms.HomePage"]
    subpage_types = [
        "cms.AgendaPage",
        "cms.SpeakerIndexPage",
        "cms.ExhibitionPage",
        "cms.NewsIndexPage",
        "cms.StandardPage",
    ]

    class Meta:
        verbose_name = _("forum page")

    def clean(self):
        super().clean()
        if self.event_id and self.locale_id:
            clash = (
                ForumPage.objects.filter(event_id=self.event_id, locale_id=self.locale_id)
                .exclude(pk=self.pk)
                .exclude(translation_key=self.translation_key)
            )
            if clash.exists():
                raise ValidationError({"event": _("This event already has a forum page.")})

    def get_search_parts(self) -> list[str]:
        return [
            self.title,
            self.lead,
            richtext_to_text(self.venue_details),
            stream_to_text(self.key_figures),
            stream_to_text(self.body),
        ]

    def social_image(self):
        return self.hero_image

    def social_description(self) -> str:
        return (
            self.search_description
            or self.lead
            or (localized_text(self.event, "theme") if self.event_id else "")
        )

    @property
    def effective_map_url(self) -> str:
        return self.map_url or self.event.map_url

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(extra_context(self, request))
        return context


# --- Agenda and sessions ----------------------------------------------------------------------


class AgendaPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    """The forum's programme: its SessionPage children grouped by time, rooms as columns.
    ``ics_url`` is the whole agenda as an iCalendar feed."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    rooms = models.TextField(
        _("rooms"),
        blank=True,
        help_text=_(
            "One room per line, in the order of the columns, in Vietnamese as in the sessions "
            "(their English names come from the sessions). Others follow."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("rooms")]
    #: The room order: the same Vietnamese room names as the sessions' (cms.translations).
    translation_synced_fields = ("rooms",)
    parent_page_types = ["cms.ForumPage"]
    subpage_types = ["cms.SessionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("agenda")

    def get_search_parts(self) -> list[str]:
        return [self.title, richtext_to_text(self.intro)]

    @property
    def room_order(self) -> list[str]:
        return [line.strip() for line in self.rooms.splitlines() if line.strip()]

    @property
    def ics_url(self) -> str:
        return reverse("cms:agenda_ics", kwargs={"page_id": self.pk})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(extra_context(self, request))
        return context


class SessionPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    """One session of the agenda: its time, room, kind, speakers (moderator first), abstract,
    full text (for the proceedings), slides and an optional paper PDF."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(
        _("room"), max_length=100, blank=True, help_text=_("Empty: every room (plenary).")
    )
    room_en = models.CharField(_("room (English)"), max_length=100, blank=True)
    track = models.CharField(_("track"), max_length=100, blank=True)
    track_en = models.CharField(_("track (English)"), max_length=100, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SessionKind.choices, default=SessionKind.TALK
    )
    abstract = RichTextField(_("abstract"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(ArticleStreamBlock(), verbose_name=_("full text"), blank=True)
    paper = models.ForeignKey(
        DOCUMENT_MODEL,
        verbose_name=_("paper (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Appended to the talk's chapter in the proceedings."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldRowPanel([FieldPanel("room"), FieldPanel("room_en")]),
                FieldRowPanel([FieldPanel("track"), FieldPanel("track_en")]),
                FieldPanel("kind"),
            ],
            heading=_("When and where"),
        ),
        LabelledInlinePanel("session_speakers", label=_("Speakers"), heading=_("Speakers")),
        FieldPanel("abstract"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments"), heading=_("Slides and documents")),
        FieldPanel("paper"),
    ]
    #: Times, place, kind and speakers: translations take them from the Vietnamese session
    #: each time it is published; title, abstract and full text stay the translator's.
    translation_synced_fields = (
        "starts_at",
        "ends_at",
        "room",
        "room_en",
        "track",
        "track_en",
        "kind",
    )
    translation_synced_relations = ("session_speakers",)
    parent_page_types = ["cms.AgendaPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("A session cannot end before it starts.")})

    def get_search_parts(self) -> list[str]:
        speakers = []
        for link in self.session_speakers.all():
            speaker = link.speaker
            speakers += [speaker.name, speaker.organization]
        return [
            self.title,
            self.room,
            self.track,
            richtext_to_text(self.abstract),
            stream_to_text(self.body),
            *speakers,
        ]

    def social_description(self) -> str:
        return self.search_description or richtext_to_text(self.abstract)[:300]

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    @property
    def ics_url(self) -> str:
        """The session as an .ics file ("add to calendar")."""
        return reverse("cms:session_ics", kwargs={"page_id": self.pk})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(extra_context(self, request))
        return context


class SessionSpeaker(Orderable):
    """A speaker of a session, in order; moderators are shown first."""

    page = ParentalKey(SessionPage, on_delete=models.CASCADE, related_name="session_speakers")
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="session_links"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=SpeakerRole.choices, default=SpeakerRole.SPEAKER
    )

    panels = [FieldPanel("speaker"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("session speaker")
        verbose_name_plural = _("session speakers")
        constraints = [
            models.UniqueConstraint(fields=["page", "speaker"], name="session_speaker_once")
        ]

    def __str__(self) -> str:
        return f"{self.speaker} ({self.get_role_display()})"


class SessionAttachment(Orderable):
    """Slides or another document of a session."""

    page = ParentalKey(SessionPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        DOCUMENT_MODEL, verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Empty: the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


# --- Speakers, exhibition ---------------------------------------------------------------------


class SpeakerIndexPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, RoutablePageMixin, Page):  # noqa: DJ008 (Page has __str__)
    """The forum's speakers (those linked to its sessions); ``<speaker-slug>/`` is a page per
    speaker listing their sessions."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.ForumPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("speaker index")

    def get_search_parts(self) -> list[str]:
        return [self.title, richtext_to_text(self.intro)]

    @path("")
    def index(self, request):
        return self.render(request)

    @classmethod
    def speaker_url(cls, index_url: str, speaker) -> str:
        """The URL of ``speaker``'s page, below the speaker index at ``index_url`` (empty
        without one)."""
        if not index_url:
            return ""
        return index_url + cls.get_resolver().reverse("speaker", slug=speaker.slug)

    @path("<slug:slug>/", name="speaker")
    def speaker(self, request, slug):
        return serve_route(self, "speaker", request, slug=slug)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(extra_context(self, request))
        return context


class ExhibitionPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    """Where the exhibitor directory and the floor plan appear.

    The hook for the exhibition app: every function registered with the Wagtail hook
    ``forumhall_exhibition_context`` is called as ``fn(page=page, request=request)`` and returns
    a dict merged into the template context. By convention it sets:

    - ``exhibition``: the data (directory, floor plan) for the current event;
    - ``exhibition_template``: a template included in ``{% block exhibition %}`` of
      ``templates/cms/exhibition_page.html`` (default: a placeholder).

    The event is ``page.event`` (the forum page's event, read once).
    """

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.ForumPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    CONTEXT_HOOK = "forumhall_exhibition_context"
    DEFAULT_TEMPLATE = "cms/includes/exhibition_placeholder.html"

    class Meta:
        verbose_name = _("exhibition page")

    def get_search_parts(self) -> list[str]:
        return [self.title, richtext_to_text(self.intro), stream_to_text(self.body)]

    @property
    def forum(self) -> ForumPage | None:
        if not hasattr(self, "_forum"):
            self._forum = ForumPage.objects.ancestor_of(self).select_related("event").first()
        return self._forum

    @property
    def event(self):
        forum = self.forum
        return forum.event if forum else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["forum"] = self.forum
        context["exhibition"] = None
        context["exhibition_template"] = self.DEFAULT_TEMPLATE
        for fn in hooks.get_hooks(self.CONTEXT_HOOK):
            context.update(fn(page=self, request=request) or {})
        return context


# --- News and standard pages ------------------------------------------------------------------


class NewsIndexPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.ForumPage"]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news index")

    def get_search_parts(self) -> list[str]:
        return [self.title, richtext_to_text(self.intro)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(extra_context(self, request))
        return context


class NewsPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    date = models.DateField(_("date"), default=timezone.localdate)
    lead = models.TextField(_("lead"), blank=True)
    image = image_field(_("image"))
    image_alt = alt_text_field(
        _("image alt text"), _("Required with an image: what it shows, for screen readers.")
    )
    body = StreamField(ArticleStreamBlock(), verbose_name=_("body"), blank=True)
    source_url = models.URLField(_("source"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
        FieldPanel("source_url"),
    ]
    translation_synced_fields = ("date", "image", "source_url")
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    def clean(self):
        super().clean()
        require_alt_text(self, "image", "image_alt", _("Describe the image (alt text)."))

    def get_search_parts(self) -> list[str]:
        return [self.title, self.lead, stream_to_text(self.body)]

    og_type = "article"

    def social_image(self):
        return self.image

    def social_description(self) -> str:
        return self.search_description or self.lead


class StandardPage(AsciiSlugMixin, FoldedSearchMixin, SocialMixin, Page):  # noqa: DJ008 (Page has __str__)
    """About, Venue & travel, FAQ, Privacy policy: a StreamField of the shared blocks."""

    lead = models.TextField(_("lead"), blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage", "cms.ForumPage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def get_search_parts(self) -> list[str]:
        return [self.title, self.lead, stream_to_text(self.body)]

    def social_description(self) -> str:
        return self.search_description or self.lead


#: Page models the site search looks in, with the label of their group of results.
SEARCHABLE_PAGE_MODELS = (
    ForumPage,
    SessionPage,
    NewsPage,
    StandardPage,
    AgendaPage,
    SpeakerIndexPage,
    ExhibitionPage,
    NewsIndexPage,
    HomePage,
)

from cms.proceedings.models import *  # noqa: E402, F403  (the proceedings builds, app cms)
