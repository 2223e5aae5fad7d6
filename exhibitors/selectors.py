"""Reads of the exhibition that span relations, each in a fixed number of queries.

The CMS exhibition page (and the standalone pages here) render
``templates/exhibitors/includes/floor_plan.html`` with ``floor_plan=floor_plan_context(...)`` and
``templates/exhibitors/includes/directory.html`` with ``directory=directory_context(...)``;
``exhibition_context`` gives both.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, Sum
from django.urls import reverse
from django.utils import timezone

from core.money import format_vnd
from events.models import Event
from exhibitors.enums import BookingStatus, BoothState, booth_state_for
from exhibitors.models import (
    Booth,
    BoothBooking,
    BoothStaff,
    ExhibitionSettings,
    Exhibitor,
    ExhibitorMember,
    Lead,
)

#: For each state: the SVG pattern that fills the booth (so that the plan does not rely on
#: colour alone), and a one-character mark drawn beside the code.
STATE_STYLE = {
    BoothState.AVAILABLE: {"pattern": "fp-available", "mark": "○"},
    BoothState.HELD: {"pattern": "fp-held", "mark": "◔"},
    BoothState.REQUESTED: {"pattern": "fp-requested", "mark": "◑"},
    BoothState.BOOKED: {"pattern": "fp-booked", "mark": "●"},
    BoothState.BLOCKED: {"pattern": "fp-blocked", "mark": "✕"},
}
PLAN_MARGIN = 10


@dataclass
class BoothOnPlan:
    """A booth as the plan shows it. The display strings are computed once here (not in the
    template) because the plan and its table show each of them several times."""

    booth: Booth
    state: str
    booking: BoothBooking | None = None
    is_mine: bool = False
    event_url: str = ""  # the floor plan's URL; booth URLs extend it

    @cached_property
    def detail_url(self) -> str:
        return f"{self.event_url}booths/{self.booth.code}/"

    @cached_property
    def hold_url(self) -> str:
        return f"{self.detail_url}hold/"

    @cached_property
    def tier_label(self) -> str:
        return str(self.booth.get_tier_display())

    @cached_property
    def size(self) -> str:
        return self.booth.size_label

    @cached_property
    def price(self) -> str:
        return format_vnd(self.booth.price_vnd)

    @cached_property
    def amenities_text(self) -> str:
        return ", ".join(self.booth.amenities)

    @cached_property
    def exhibitor_name(self) -> str:
        return self.exhibitor.name if self.exhibitor else ""

    @cached_property
    def aria_label(self) -> str:
        parts = [self.state_label, self.tier_label, self.size, self.price, self.exhibitor_name]
        return f"{self.booth.code}: " + ", ".join(part for part in parts if part)

    @cached_property
    def state_label(self) -> str:
        return str(BoothState(self.state).label)

    @property
    def pattern(self) -> str:
        return STATE_STYLE[self.state]["pattern"]

    @property
    def mark(self) -> str:
        return STATE_STYLE[self.state]["mark"]

    @property
    def exhibitor(self) -> Exhibitor | None:
        """Shown publicly only once the booking is approved."""
        if self.booking and (self.state == BoothState.BOOKED or self.is_mine):
            return self.booking.exhibitor
        return None

    @property
    def bookable(self) -> bool:
        return self.state == BoothState.AVAILABLE

    @property
    def text_x(self) -> str:
        return f"{self.booth.plan_x + self.booth.plan_w / 2:g}"

    @property
    def code_y(self) -> str:
        return f"{self.booth.plan_y + self.booth.plan_h / 2:g}"

    @property
    def mark_y(self) -> str:
        return f"{self.booth.plan_y + self.booth.plan_h / 2 + 9:g}"


@dataclass
class DirectoryEntry:
    exhibitor: Exhibitor
    booth_codes: list[str] = field(default_factory=list)


def booth_state(booth: Booth, booking: BoothBooking | None) -> str:
    """The state of ``booth`` whose live booking (or None) is ``booking``."""
    return booth_state_for(blocked=booth.blocked, live_status=booking.status if booking else None)


def exhibitor_for_user(user) -> Exhibitor | None:
    """The company of a logged-in user, or None. One query (none for anonymous users)."""
    if user is None or not user.is_authenticated:
        return None
    member = ExhibitorMember.objects.select_related("exhibitor").filter(user=user).first()
    return member.exhibitor if member else None


def membership_for_user(user) -> ExhibitorMember | None:
    if user is None or not user.is_authenticated:
        return None
    return ExhibitorMember.objects.select_related("exhibitor").filter(user=user).first()


def _booths_with_live_booking(*, event: Event, now: dt.datetime) -> list[Booth]:
    live = BoothBooking.objects.live(now).select_related("exhibitor")
    return list(
        Booth.objects.filter(event=event)
        .order_by("code")
        .prefetch_related(Prefetch("bookings", queryset=live, to_attr="live_bookings"))
    )


def settings_for(event: Event) -> ExhibitionSettings:
    """The event's exhibition rules, or unsaved defaults (a read never writes). One query."""
    return ExhibitionSettings.objects.filter(event=event).first() or ExhibitionSettings(event=event)


def floor_plan_context(
    *, event: Event, user=None, exhibitor: Exhibitor | None = None, now=None
) -> dict:
    """Everything the floor plan include needs: the booths with their state as of now (a hold
    past its deadline reads as available), the legend, the plan size, and whether the viewer
    can book. Four queries at most (booths, their live bookings, settings, the viewer's
    company), whatever the number of booths.
    """
    now = now or timezone.now()
    booths = _booths_with_live_booking(event=event, now=now)
    event_settings = settings_for(event)
    if exhibitor is None:
        exhibitor = exhibitor_for_user(user)
    event_url = reverse("exhibitors:floor_plan", args=[event.slug])
    items = []
    for booth in booths:
        booking = booth.live_bookings[0] if booth.live_bookings else None
        items.append(
            BoothOnPlan(
                booth=booth,
                state=booth_state(booth, booking),
                booking=booking,
                is_mine=bool(exhibitor and booking and booking.exhibitor_id == exhibitor.pk),
                event_url=event_url,
            )
        )
    counts = Counter(item.state for item in items)
    width = max((b.plan_x + b.plan_w for b in booths), default=100) + PLAN_MARGIN
    height = max((b.plan_y + b.plan_h for b in booths), default=60) + PLAN_MARGIN
    legend = [
        {
            "state": state.value,
            "label": state.label,
            "count": counts.get(state.value, 0),
            **STATE_STYLE[state],
        }
        for state in BoothState
    ]
    return {
        "event": event,
        "booths": items,
        "legend": legend,
        "width": width,
        "height": height,
        "settings": event_settings,
        "booking_open": event_settings.is_open(now),
        "exhibitor": exhibitor,
        "can_book": bool(exhibitor) and event_settings.is_open(now),
        "hold_minutes": event_settings.hold_minutes,
    }


def directory_context(*, event: Event) -> dict:
    """The exhibitors with approved booths, by name, each with its booth codes. One query."""
    bookings = (
        BoothBooking.objects.filter(event=event, status=BookingStatus.APPROVED)
        .select_related("exhibitor", "booth")
        .order_by("exhibitor__name", "exhibitor_id", "booth__code")
    )
    entries: dict[int, DirectoryEntry] = {}
    for booking in bookings:
        entry = entries.setdefault(booking.exhibitor_id, DirectoryEntry(booking.exhibitor))
        entry.booth_codes.append(booking.booth.code)
    return {"event": event, "entries": list(entries.values())}


def exhibition_context(*, event: Event, user=None) -> dict:
    """Both includes' data, for the CMS exhibition page: ``floor_plan`` and ``directory``."""
    return {
        "event": event,
        "floor_plan": floor_plan_context(event=event, user=user),
        "directory": directory_context(event=event),
    }


def booth_on_plan(*, event: Event, code: str, user=None, now=None) -> BoothOnPlan | None:
    """One booth with its state, or None."""
    now = now or timezone.now()
    live = BoothBooking.objects.live(now).select_related("exhibitor")
    booth = (
        Booth.objects.filter(event=event, code=code)
        .prefetch_related(Prefetch("bookings", queryset=live, to_attr="live_bookings"))
        .first()
    )
    if booth is None:
        return None
    exhibitor = exhibitor_for_user(user)
    booking = booth.live_bookings[0] if booth.live_bookings else None
    return BoothOnPlan(
        booth=booth,
        state=booth_state(booth, booking),
        booking=booking,
        is_mine=bool(exhibitor and booking and booking.exhibitor_id == exhibitor.pk),
        event_url=reverse("exhibitors:floor_plan", args=[event.slug]),
    )


def bookings_of_exhibitor(*, exhibitor: Exhibitor):
    """An exhibitor's bookings, newest first, with booth and event."""
    return (
        BoothBooking.objects.filter(exhibitor=exhibitor)
        .select_related("booth", "event")
        .order_by("-created_at", "-id")
    )


def staff_of_booking(*, booking: BoothBooking):
    return (
        BoothStaff.objects.filter(booking=booking)
        .select_related("registration")
        .order_by("status", "created_at", "id")
    )


PENDING_ORDER = {BookingStatus.REQUESTED: 0, BookingStatus.HELD: 1}


def occupancy_summary(*, event: Event, now=None) -> dict:
    """The organizer's view: booths by state, expected revenue (approved bookings) and the
    revenue still pending (requested and held), and the pending bookings, requests first.
    Five queries whatever the counts."""
    now = now or timezone.now()
    plan = floor_plan_context(event=event, now=now, exhibitor=None)
    live = BoothBooking.objects.filter(event=event).live(now)
    approved = live.filter(status=BookingStatus.APPROVED).aggregate(total=Sum("price_vnd"))
    pending = list(
        live.filter(status__in=[BookingStatus.REQUESTED, BookingStatus.HELD])
        .select_related("booth", "exhibitor")
        .order_by("requested_at", "created_at", "id")
    )
    pending.sort(key=lambda b: PENDING_ORDER[b.status])
    return {
        "event": event,
        "legend": plan["legend"],
        "total_booths": len(plan["booths"]),
        "expected_revenue": approved["total"] or 0,
        "pending_revenue": sum(b.price_vnd for b in pending),
        "pending": pending,
    }


def current_event() -> Event | None:
    """The event whose exhibition the standalone pages show by default: the latest one that
    has booths."""
    return Event.objects.filter(booths__isnull=False).order_by("-starts_at").distinct().first()


def exhibitor_recipients(*, exhibitor: Exhibitor) -> list[str]:
    """Who the exhibitor's emails go to: its contact address, then its members' (each once)."""
    recipients = [exhibitor.contact_email]
    recipients += [
        email
        for email in exhibitor.members.values_list("user__email", flat=True)
        if email and email.lower() not in {r.lower() for r in recipients}
    ]
    return recipients


def lead_events(*, exhibitor: Exhibitor) -> list[Event]:
    """The events at which ``exhibitor`` may scan visitors' badges: those where it has an
    approved booking, soonest first. One query."""
    return list(
        Event.objects.filter(
            pk__in=BoothBooking.objects.filter(
                exhibitor=exhibitor, status=BookingStatus.APPROVED
            ).values("event_id")
        ).order_by("starts_at", "pk")
    )


def leads_of(*, exhibitor: Exhibitor, event: Event | None = None):
    """The leads of ``exhibitor`` (of ``event`` only, when given), newest scan first, with
    what they show (the registration, the member who scanned). Never another company's."""
    leads = Lead.objects.filter(exhibitor=exhibitor).select_related(
        "registration", "event", "scanned_by__user"
    )
    return leads.filter(event=event) if event is not None else leads
