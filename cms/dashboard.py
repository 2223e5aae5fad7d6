"""The organizer's dashboard on the Wagtail admin's home page: for the current event (the
running or next one), registrations by status and by category, pending approvals, booth
requests waiting for a decision, emails that failed, today's arrivals and the proceedings'
state. Each number links to the admin list it counts, filtered. Panels are Wagtail components;
each is shown only to those who may open its list. A fixed number of queries, however many
guests. Registered by ``cms/wagtail_hooks.py`` (``construct_homepage_panels``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from cms.models import ForumPage
from cms.proceedings.models import ProceedingsBuild
from events import selectors as event_selectors
from events.checkin.permissions import checkin_user_may_watch
from events.checkin.selectors import arrivals_today
from events.enums import RegistrationStatus
from events.models import Event, Registration
from events.permissions import VIEW_PERMISSION as REGISTRATION_VIEW_PERMISSION
from exhibitors.enums import BookingStatus
from exhibitors.models import BoothBooking
from mail.models import Email, EmailStatus
from mail.permissions import VIEW_PERMISSION as MAIL_VIEW_PERMISSION

BOOKING_VIEW_PERMISSION = "exhibitors.view_boothbooking"


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def registrations_url(**query) -> str:
    """The admin's registrations list, filtered (``event``, ``status``, ``category``)."""
    model = Registration._meta
    return _url(f"wagtailsnippets_{model.app_label}_{model.model_name}:list", **query)


class DashboardPanel(Component):
    """One panel of the dashboard about ``event``."""

    name = ""
    order = 0
    template_name = ""
    #: Who sees the panel: those who hold it (the view permission of the list it links to).
    permission = ""

    def __init__(self, event: Event):
        self.event = event

    @classmethod
    def may_view(cls, user) -> bool:
        return user.has_perm(cls.permission)

    def get_context_data(self, parent_context):
        return {"event": self.event, **self.data()}

    def data(self) -> dict:
        raise NotImplementedError


class RegistrationsPanel(DashboardPanel):
    name = "forumhall_registrations"
    order = 10
    template_name = "cms/dashboard/registrations.html"
    permission = REGISTRATION_VIEW_PERMISSION

    def data(self) -> dict:
        event = self.event.pk
        categories = event_selectors.registration_counts_by_category(event=self.event)
        by_status: dict[str, int] = {}
        for row in categories:
            for status, n in row["counts"].items():
                by_status[status] = by_status.get(status, 0) + n
            row["url"] = registrations_url(event=event, category=row["category"].pk)
        statuses = [
            {
                "status": value,
                "label": label,
                "count": by_status.get(value, 0),
                "url": registrations_url(event=event, status=value),
            }
            for value, label in RegistrationStatus.choices
        ]
        pending = RegistrationStatus.PENDING_APPROVAL
        return {
            "statuses": statuses,
            "categories": categories,
            "total": sum(by_status.values()),
            "total_url": registrations_url(event=event),
            "pending_approval": by_status.get(pending, 0),
            "pending_approval_url": registrations_url(event=event, status=pending),
        }


class NumberPanel(DashboardPanel):
    """One number with its title, linking to its list."""

    template_name = "cms/dashboard/number.html"
    slug = ""
    title = ""

    @property
    def name(self) -> str:
        return f"forumhall_{self.slug}"

    def get_context_data(self, parent_context):
        return {"slug": self.slug, "title": self.title, **super().get_context_data(parent_context)}


class BoothRequestsPanel(NumberPanel):
    order = 20
    slug = "booth_requests"
    title = _("Booth requests waiting for a decision")
    permission = BOOKING_VIEW_PERMISSION

    def data(self) -> dict:
        requested = BookingStatus.REQUESTED
        count = BoothBooking.objects.filter(event=self.event, status=requested).count()
        url = _url("exhibition_bookings:index", event=self.event.pk, status=requested)
        return {"count": count, "url": url}


class FailingEmailsPanel(NumberPanel):
    """Emails the outbox gave up on (every event's: an email knows the object it is about,
    not its event)."""

    order = 30
    slug = "failed_emails"
    title = _("Emails that could not be sent")
    permission = MAIL_VIEW_PERMISSION

    def data(self) -> dict:
        count = Email.objects.filter(status=EmailStatus.FAILED).count()
        return {"count": count, "url": _url("mail_emails:index", status=EmailStatus.FAILED)}


class ArrivalsPanel(NumberPanel):
    order = 40
    slug = "arrivals_today"
    title = _("Arrivals today")

    @classmethod
    def may_view(cls, user) -> bool:
        return checkin_user_may_watch(user)

    def data(self) -> dict:
        return {
            "count": arrivals_today(event=self.event),
            "url": _url("events:checkin_arrivals", self.event.pk),
        }


class ProceedingsPanel(DashboardPanel):
    """The state of the event's proceedings: each forum page (one per language) with its
    latest build and whether one is published. Shown to those who may edit a forum page."""

    name = "forumhall_proceedings"
    order = 50
    template_name = "cms/dashboard/proceedings.html"

    def __init__(self, event: Event, forums: list[ForumPage]):
        super().__init__(event)
        self.forums = forums

    @classmethod
    def editable_forums(cls, user, event: Event) -> list[ForumPage]:
        forums = ForumPage.objects.filter(event=event).select_related("locale").order_by("pk")
        return [forum for forum in forums if forum.permissions_for_user(user).can_edit()]

    def data(self) -> dict:
        builds = ProceedingsBuild.objects.filter(forum__in=self.forums).order_by(
            "forum_id", "-created_at", "-id"
        )
        latest: dict[int, ProceedingsBuild] = {}
        published: set[int] = set()
        for build in builds.only("forum_id", "status", "is_published", "created_at", "page_count"):
            latest.setdefault(build.forum_id, build)
            if build.is_published:
                published.add(build.forum_id)
        rows = [
            {
                "forum": forum,
                "build": latest.get(forum.pk),
                "published": forum.pk in published,
                "url": _url("cms_proceedings:index", forum.pk),
            }
            for forum in self.forums
        ]
        return {"rows": rows}


SIMPLE_PANELS = (RegistrationsPanel, BoothRequestsPanel, FailingEmailsPanel, ArrivalsPanel)


class CurrentEventPanel(Component):
    """The dashboard's title: which event the numbers below are about."""

    name = "forumhall_current_event"
    order = 5
    template_name = "cms/dashboard/current_event.html"

    def __init__(self, event: Event):
        self.event = event

    def get_context_data(self, parent_context):
        return {"event": self.event}


class Dashboard:
    """The panels ``user`` may see for the current event (none without an event)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def event(self) -> Event | None:
        return event_selectors.event_current()

    def panels(self) -> list[Component]:
        shown = [panel for panel in SIMPLE_PANELS if panel.may_view(self.user)]
        if self.event is None:
            return []
        panels: list[Component] = [panel(self.event) for panel in shown]
        forums = ProceedingsPanel.editable_forums(self.user, self.event)
        if forums:
            panels.append(ProceedingsPanel(self.event, forums))
        if panels:
            panels.insert(0, CurrentEventPanel(self.event))
        return panels


def add_dashboard_panels(request, panels: list) -> None:
    """``construct_homepage_panels``: the dashboard's panels go first on the admin's home."""
    panels[:0] = Dashboard(request.user).panels()
