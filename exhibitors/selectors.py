"""Reads of the exhibition that span relations, each in a fixed number of queries.

The CMS exhibition page (and the standalone pages here) render
``templates/exhibitors/includes/floor_plan.html`` with ``floor_plan=floor_plan_context(...)`` and
``templates/exhibitors/includes/directory.html`` with ``directory=directory_context(...)``;
``exhibition_context`` gives both.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from django.db.models import Prefetch, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from core.localized import LocalizedValue, localized, localized_text
from core.money import format_vnd
from events.models import Event
from exhibitors.enums import BookingStatus, BoothState, BoothTier, booth_state_for
from exhibitors.models import (
    Booth,
    BoothBooking,
    BoothStaff,
    ExhibitionSettings,
    Exhibitor,
    ExhibitorMember,
    Lead,
    PlanShape,
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
#: Without a hall size, the plan reaches this far (metres) beyond its last booth.
PLAN_MARGIN_M = Decimal(1)
#: Text heights on the plan, in metres: the booth's code, the exhibitor's name.
CODE_SIZE_M = Decimal("0.55")
NAME_SIZE_M = Decimal("0.4")
#: A logo is drawn in a booth at least this wide and deep (metres), this big.
LOGO_MIN_M = Decimal("2.5")
LOGO_SIZE_M = Decimal("1.1")
#: Legal forms left out of the name written in a booth (the full name is in its label).
LEGAL_PREFIXES = (
    "Tổng Công ty Cổ phần ",
    "Tổng Công ty ",
    "Công ty Cổ phần ",
    "Công ty TNHH ",
    "Công ty ",
    "Tập đoàn ",
)


def _num(value) -> str:
    """A coordinate of the SVG: plain digits and a dot, no trailing zeros."""
    return f"{Decimal(value).normalize():f}"


def short_name(name: str) -> str:
    """What a booth shows of its exhibitor's name: the part in brackets at its end
    ("… Quân đội (Viettel)" → "Viettel"), else the name without its legal form."""
    name = name.strip()
    if name.endswith(")") and "(" in name:
        return name.rsplit("(", 1)[1].rstrip(")").strip() or name
    for prefix in LEGAL_PREFIXES:
        if name.lower().startswith(prefix.lower()) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def wrap_lines(text: str, width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width`` characters (the last one cut with …)."""
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] += "…"
    return [line if len(line) <= width else line[: max(width - 1, 1)] + "…" for line in out]


@lru_cache(maxsize=64)
def _state_label(state: str, language: str) -> str:
    return str(BoothState(state).label)


@lru_cache(maxsize=64)
def _tier_label(tier: str, language: str) -> str:
    return str(BoothTier(tier).label) if tier in BoothTier.values else tier


@lru_cache(maxsize=512)
def _size_label(width: Decimal, depth: Decimal, language: str) -> str:
    return Booth(width_m=width, depth_m=depth).size_label


@lru_cache(maxsize=1024)
def _price(amount: int, language: str) -> str:
    return format_vnd(amount)


@lru_cache(maxsize=64)
def _amenities_text(flags: tuple[bool, bool, bool], language: str) -> str:
    power, internet, furniture = flags
    booth = Booth(has_power=power, has_internet=internet, has_furniture=furniture)
    return ", ".join(booth.amenities)


class PlacedOnPlan:
    """Where a booth or a shape (``placed``: x_m, y_m, width_m, depth_m) is drawn, as SVG
    numbers in metres."""

    placed: Booth | PlanShape

    @property
    def x(self) -> str:
        return _num(self.placed.x_m)

    @property
    def y(self) -> str:
        return _num(self.placed.y_m)

    @property
    def w(self) -> str:
        return _num(self.placed.width_m)

    @property
    def h(self) -> str:
        return _num(self.placed.depth_m)

    @property
    def text_x(self) -> str:
        return _num(self.placed.x_m + self.placed.width_m / 2)


@dataclass
class BoothOnPlan(PlacedOnPlan):
    """A booth as the plan shows it. The display strings are computed once here (not in the
    template) because the plan and its table show each of them several times."""

    booth: Booth
    state: str
    booking: BoothBooking | None = None
    is_mine: bool = False
    event_url: str = ""  # the floor plan's URL; booth URLs extend it
    language: str = ""  # the page's (empty: the active one)

    @property
    def placed(self) -> Booth:
        return self.booth

    @cached_property
    def _language(self) -> str:
        return self.language or get_language()

    @cached_property
    def zone(self) -> LocalizedValue:
        return localized(self.booth, "zone", self._language)

    @cached_property
    def detail_url(self) -> str:
        return f"{self.event_url}booths/{self.booth.code}/"

    @cached_property
    def hold_url(self) -> str:
        return f"{self.detail_url}hold/"

    # The texts below repeat from booth to booth: each is made once per language and value.

    @cached_property
    def tier_label(self) -> str:
        return _tier_label(self.booth.tier, self._language)

    @cached_property
    def size(self) -> str:
        return _size_label(self.booth.width_m, self.booth.depth_m, self._language)

    @cached_property
    def price(self) -> str:
        return _price(self.booth.price_vnd, self._language)

    @cached_property
    def amenities_text(self) -> str:
        booth = self.booth
        flags = (booth.has_power, booth.has_internet, booth.has_furniture)
        return _amenities_text(flags, self._language)

    @cached_property
    def exhibitor_name(self) -> str:
        return self.exhibitor.name if self.exhibitor else ""

    @cached_property
    def aria_label(self) -> str:
        """What the booth shows (its code, the name written in it), then the rest: a screen
        reader and a voice command find the booth by what is written on it."""
        shown = " ".join([self.booth.code, *(line["text"] for line in self.name_lines)])
        parts = [self.state_label, self.tier_label, self.size, self.price, self.exhibitor_name]
        return f"{shown}: " + ", ".join(part for part in parts if part)

    @cached_property
    def state_label(self) -> str:
        return _state_label(self.state, self._language)

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

    # --- Where its parts are drawn on the plan (SVG user units are metres) ---

    @property
    def mark_x(self) -> str:
        return _num(self.booth.x_m + self.booth.width_m - Decimal("0.3"))

    @property
    def mark_y(self) -> str:
        return _num(self.booth.y_m + Decimal("0.5"))

    @cached_property
    def logo_url(self) -> str:
        exhibitor = self.exhibitor
        booth = self.booth
        if not (exhibitor and exhibitor.logo) or min(booth.width_m, booth.depth_m) < LOGO_MIN_M:
            return ""
        return exhibitor.logo.url

    @property
    def logo_x(self) -> str:
        return _num(self.booth.x_m + (self.booth.width_m - LOGO_SIZE_M) / 2)

    @property
    def logo_y(self) -> str:
        return _num(self.booth.y_m + Decimal("0.25"))

    @property
    def logo_size(self) -> str:
        return _num(LOGO_SIZE_M)

    @cached_property
    def name_lines(self) -> list[dict]:
        """The exhibitor's short name in the lines that fit the booth's width (at most two,
        one in a booth under 2 m deep), each with its baseline."""
        if not self.exhibitor:
            return []
        booth = self.booth
        per_line = int(booth.width_m / (NAME_SIZE_M * Decimal("0.58")))
        lines = wrap_lines(
            short_name(self.exhibitor.name), per_line, 2 if booth.depth_m >= 2 else 1
        )
        top = self._code_baseline + NAME_SIZE_M * Decimal("1.2")
        return [
            {"text": line, "y": _num(top + NAME_SIZE_M * Decimal("1.1") * i)}
            for i, line in enumerate(lines)
        ]

    @cached_property
    def _code_baseline(self) -> Decimal:
        booth = self.booth
        if self.logo_url:
            return booth.y_m + Decimal("0.25") + LOGO_SIZE_M + CODE_SIZE_M
        if self.exhibitor:
            return booth.y_m + booth.depth_m / 2 - NAME_SIZE_M / 2
        return booth.y_m + booth.depth_m / 2 + CODE_SIZE_M / 3

    @property
    def code_y(self) -> str:
        return _num(self._code_baseline)

    @property
    def code_size(self) -> str:
        return _num(min(CODE_SIZE_M, self.booth.width_m / 4))

    @property
    def name_size(self) -> str:
        return _num(NAME_SIZE_M)


@dataclass
class ShapeOnPlan(PlacedOnPlan):
    """A labelled shape of the hall (entrance, stage, aisle, desk) as the plan draws it."""

    shape: PlanShape

    @property
    def placed(self) -> PlanShape:
        return self.shape

    @cached_property
    def label(self) -> str:
        return localized_text(self.shape, "label") or str(self.shape.get_kind_display())

    @property
    def text_y(self) -> str:
        return _num(self.shape.y_m + self.shape.depth_m / 2 + NAME_SIZE_M / 3)

    @property
    def vertical(self) -> bool:
        """A narrow, tall shape (an aisle along the depth) writes its label upwards."""
        return self.shape.depth_m > self.shape.width_m * 2


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
    """The event's booths, each with ``live_bookings`` (its live booking, or nothing). Two
    queries; matched here rather than by ``prefetch_related`` (a third of the plan's time at
    200 booths)."""
    booths = list(Booth.objects.filter(event=event).order_by("code"))
    live = {
        b.booth_id: b
        for b in BoothBooking.objects.live(now).filter(event=event).select_related("exhibitor")
    }
    for booth in booths:
        booking = live.get(booth.pk)
        booth.live_bookings = [booking] if booking else []
    return booths


def settings_for(event: Event) -> ExhibitionSettings:
    """The event's exhibition rules, or unsaved defaults (a read never writes). One query."""
    return ExhibitionSettings.objects.filter(event=event).first() or ExhibitionSettings(event=event)


def floor_plan_context(
    *, event: Event, user=None, exhibitor: Exhibitor | None = None, now=None
) -> dict:
    """Everything the floor plan include needs: the booths with their state as of now (a hold
    past its deadline reads as available), the hall's shapes, the legend, the plan size in
    metres (the hall's, else around the booths), and whether the viewer can book. Five queries
    at most (booths, their live bookings, settings, shapes, the viewer's company), whatever
    the number of booths.
    """
    now = now or timezone.now()
    booths = _booths_with_live_booking(event=event, now=now)
    event_settings = settings_for(event)
    if exhibitor is None:
        exhibitor = exhibitor_for_user(user)
    event_url = reverse("exhibitors:floor_plan", args=[event.slug])
    language = get_language()
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
                language=language,
            )
        )
    counts = Counter(item.state for item in items)
    shapes = [ShapeOnPlan(shape) for shape in PlanShape.objects.filter(event=event)]
    if event_settings.hall_width_m and event_settings.hall_depth_m:
        width, height = event_settings.hall_width_m, event_settings.hall_depth_m
    else:
        places = [*booths, *(s.shape for s in shapes)]
        width = max((p.x_m + p.width_m for p in places), default=Decimal(10)) + PLAN_MARGIN_M
        height = max((p.y_m + p.depth_m for p in places), default=Decimal(6)) + PLAN_MARGIN_M
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
        "shapes": shapes,
        "legend": legend,
        "width": _num(width),
        "height": _num(height),
        "hall_image": event_settings.hall_image.url if event_settings.hall_image else "",
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
    Six queries whatever the counts."""
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
