"""Reads of check-in: accent-blind search at the door, list and event statistics (arrivals)."""

from __future__ import annotations

import collections
import datetime as dt

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.expressions import Case, Value, When
from django.db.models.fields import IntegerField
from django.utils import timezone

from core.localized import localized_data
from core.text import fold
from events.enums import CheckInKind, RegistrationStatus
from events.models import AttendeeCategory, CheckIn, CheckInList, Event, Registration, ScanLog
from events.services.questions import question_data, questions_of_events

SEARCH_LIMIT = 20
BUCKET_MINUTES = 10
_CategoryLink = CheckInList.categories.through


def mask_email(email: str) -> str:
    """ "khoa.nguyen@example.com" -> "kh•••@example.com": enough to tell two namesakes apart."""
    local, _at, domain = email.partition("@")
    return f"{local[:2]}•••@{domain}" if domain else "•••"


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"•••{digits[-3:]}" if len(digits) >= 3 else ""


def checkin_search(*, checkin_list: CheckInList, query: str, limit: int = SEARCH_LIMIT) -> list:
    """Registrations of the list's event matching ``query`` by name, email, organization or
    phone, blind to accents and case ("nguyen van khoa" finds "Nguyễn Văn Khoa", "do" finds
    "Đỗ"). Every word must match; names starting with the query come first (whole words
    before word starts).

    One query: the best ``limit`` matches with their category, whether the list admits them
    and their live entry on the list (PostgreSQL computes those for the kept rows only).
    """
    # Phones are stored as +84…: a local "0912…" is looked up without its leading 0.
    words = [
        word[1:] if word.isdigit() and word.startswith("0") and len(word) >= 4 else word
        for word in fold(query).split()[:6]
    ]
    if not words or sum(len(word) for word in words) < 2:
        return []
    matches = Registration.objects.filter(event_id=checkin_list.event_id)
    for word in words:
        matches = matches.filter(search_key__contains=word)
    phrase = " ".join(words)
    entries = CheckIn.objects.filter(
        registration=OuterRef("pk"),
        checkin_list_id=checkin_list.pk,
        kind=CheckInKind.ENTRY,
        annulled_at__isnull=True,
    ).order_by("-id")  # the latest, through the (registration, list, id) index
    return list(
        matches.select_related("category")
        .annotate(
            # The name comes first in the search key: whole words first, then word starts.
            rank=Case(
                When(search_key__startswith=phrase + " ", then=Value(0)),
                When(search_key__startswith=phrase, then=Value(1)),
                When(search_key__contains=f" {phrase} ", then=Value(2)),
                When(search_key__contains=" " + phrase, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            ),
            admitted=Exists(
                _CategoryLink.objects.filter(
                    checkinlist_id=checkin_list.pk, attendeecategory_id=OuterRef("category_id")
                )
            ),
            restricted=Exists(_CategoryLink.objects.filter(checkinlist_id=checkin_list.pk)),
            entry_at=Subquery(entries.values("created_at")[:1]),
            entry_gate=Subquery(entries.values("gate")[:1]),
        )
        .order_by("rank", "full_name", "pk")[:limit]
    )


def registration_data(registration: Registration) -> dict:
    """A registration as a scanner shows it (the "registration" of the API's answers): its
    category named in the active language (``lang`` says which; a Vietnamese fallback is "vi")."""
    category = registration.category
    return {
        "id": registration.pk,
        "full_name": registration.full_name,
        "organization": registration.organization,
        "title": registration.title,
        "status": registration.status,
        "category": {
            "id": category.pk,
            **localized_data(category),
            "colour": category.badge_colour,
        },
    }


def search_result_data(registration: Registration) -> dict:
    return {
        **registration_data(registration),
        "email": mask_email(registration.email),
        "phone": mask_phone(registration.phone),
        "status_label": str(registration.get_status_display()),
        "admitted": registration.admitted or not registration.restricted,
        "checked_in_at": (
            timezone.localtime(registration.entry_at).isoformat() if registration.entry_at else None
        ),
        "gate": registration.entry_gate or "",
    }


def scanner_lists(*, event_id: int | None) -> list[dict]:
    """The events and check-in lists a scanner may use (a device: its event; staff: all), each
    event with its attendee categories and required questions (for walk-ins). Event and category
    names are in the active language (``lang``: the one they are really in). Three queries,
    however many events."""
    lists = CheckInList.objects.select_related("event").order_by(
        "event__starts_at", "event_id", "sort_order", "name"
    )
    if event_id is not None:
        lists = lists.filter(event_id=event_id)
    events: dict[int, dict] = {}
    for item in lists:
        event = events.setdefault(
            item.event_id,
            {
                "id": item.event_id,
                **localized_data(item.event),
                "slug": item.event.slug,
                "lists": [],
                "categories": [],
                "questions": [],
            },
        )
        event["lists"].append(
            {
                "id": item.pk,
                "name": item.name,
                "allow_reentry": item.allow_reentry,
                "gates": item.gate_names,
                "open": item.is_open(),
            }
        )
    categories = AttendeeCategory.objects.filter(event_id__in=events).order_by("sort_order", "name")
    for category in categories.only("pk", "name", "name_en", "event_id"):
        events[category.event_id]["categories"].append(
            {"id": category.pk, **localized_data(category)}
        )
    # The door asks the required questions only.
    for question in questions_of_events(events, required_only=True):
        events[question.event_id]["questions"].append(question_data(question))
    return list(events.values())


# --- Statistics -------------------------------------------------------------------------------


def _bucket(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    local = moment.astimezone(zone)
    minute = local.minute - local.minute % BUCKET_MINUTES
    return local.replace(minute=minute, second=0, microsecond=0)


def arrivals_per_bucket(first_entries: list[dt.datetime], *, event: Event, now=None) -> list:
    """Arrivals per 10 minutes over the event's day: from three hours before it starts to its
    end (or, if nobody arrived then, the day of the latest arrival), every bucket present (also
    empty ones) so that the chart keeps its time axis."""
    if not first_entries:
        return []
    now = now or timezone.now()
    opens, closes = event.starts_at - dt.timedelta(hours=3), event.ends_at
    chosen = [moment for moment in first_entries if opens <= moment <= closes]
    if not chosen:
        last_day = timezone.localdate(max(first_entries))
        chosen = [m for m in first_entries if timezone.localdate(m) == last_day]
    zone = timezone.get_current_timezone()  # once: it is a thread-local lookup each time
    counts = collections.Counter(_bucket(moment, zone) for moment in chosen)
    start, end = min(counts), max(counts)
    now_bucket = _bucket(now, zone)
    if end < now_bucket <= end + dt.timedelta(hours=2):
        end = now_bucket  # live: the axis runs up to now
    start = max(start, end - dt.timedelta(hours=24))  # never more than a day of bars
    peak = max(counts.values())
    buckets = []
    moment = start
    step = dt.timedelta(minutes=BUCKET_MINUTES)
    while moment <= end:
        count = counts.get(moment, 0)
        buckets.append(
            {
                "start": moment.isoformat(),
                "label": moment.strftime("%H:%M"),
                "count": count,
                "percent": round(100 * count / peak),
            }
        )
        moment += step
    return buckets


def _live_entries(**filters):
    return CheckIn.objects.filter(annulled_at__isnull=True, kind=CheckInKind.ENTRY, **filters)


def _arrivals(entries) -> tuple[list[dt.datetime], dict[int, int]]:
    """The first entry time of each badge among ``entries`` and the badges per category."""
    firsts = list(
        entries.values("registration_id")
        .annotate(first=Min("created_at"))
        .values_list("first", flat=True)
        .order_by()
    )
    by_category = dict(
        entries.values_list("registration__category_id")
        .annotate(n=Count("registration_id", distinct=True))
        .order_by()
    )
    return firsts, by_category


def _per_category(queryset) -> dict[int, int]:
    return dict(queryset.values_list("category_id").annotate(n=Count("pk")).order_by())


def _inside_now(*, event_id: int, per_list: bool):
    """Live entries not followed by a live movement (entry or exit) of the same badge, on the
    same list (``per_list``) or anywhere at the event."""
    later = CheckIn.objects.filter(
        annulled_at__isnull=True,
        registration_id=OuterRef("registration_id"),
        checkin_list__event_id=event_id,
        id__gt=OuterRef("id"),
    )
    if per_list:
        later = later.filter(checkin_list_id=OuterRef("checkin_list_id"))
    return _live_entries(checkin_list__event_id=event_id).exclude(Exists(later))


def event_arrivals(*, event: Event, now=None) -> dict:
    """The live arrivals board of ``event``: arrivals per 10 minutes, inside now, arrivals by
    category and by list, the latest check-ins. A fixed number of queries, however many lists,
    categories or guests."""
    now = now or timezone.now()
    confirmed = _per_category(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    )
    entries = _live_entries(checkin_list__event_id=event.pk)
    firsts, arrived_by_category = _arrivals(entries)
    categories = [
        {
            "id": category.pk,
            **localized_data(category),
            "colour": category.badge_colour,
            "expected": confirmed.get(category.pk, 0),
            "arrived": arrived_by_category.get(category.pk, 0),
        }
        for category in AttendeeCategory.objects.filter(event=event)
    ]
    checked_in_by_list = dict(
        entries.values_list("checkin_list_id")
        .annotate(n=Count("registration_id", distinct=True))
        .order_by()
    )
    inside_by_list = dict(
        _inside_now(event_id=event.pk, per_list=True)
        .values_list("checkin_list_id")
        .annotate(n=Count("registration_id", distinct=True))
        .order_by()
    )
    links: dict[int, set[int]] = {}
    for list_id, category_id in _CategoryLink.objects.filter(
        checkinlist__event_id=event.pk
    ).values_list("checkinlist_id", "attendeecategory_id"):
        links.setdefault(list_id, set()).add(category_id)
    lists = []
    # With each list, its offline conflicts: badges a device admitted offline and the server
    # refused on upload (admitted elsewhere first).
    conflicts = 0
    for item in CheckInList.objects.filter(event=event).annotate(
        conflicts=Count("scans", filter=Q(scans__conflict=True))
    ):
        conflicts += item.conflicts
        admitted = links.get(item.pk)
        lists.append(
            {
                "id": item.pk,
                "name": item.name,
                "allow_reentry": item.allow_reentry,
                "expected": sum(
                    n for category, n in confirmed.items() if not admitted or category in admitted
                ),
                "checked_in": checked_in_by_list.get(item.pk, 0),
                "inside_now": inside_by_list.get(item.pk, 0),
                "open": item.is_open(now),
            }
        )
    recent = [
        {
            "time": timezone.localtime(checkin.created_at).strftime("%H:%M:%S"),
            "full_name": checkin.registration.full_name,
            "organization": checkin.registration.organization,
            "list": checkin.checkin_list.name,
            "gate": checkin.gate,
            "kind": checkin.kind,
            "kind_label": str(checkin.get_kind_display()),
        }
        for checkin in CheckIn.objects.filter(
            checkin_list__event_id=event.pk, annulled_at__isnull=True
        )
        # Fetched for the ten rows only (joined, every check-in of the day was joined first).
        .prefetch_related("registration", "checkin_list")
        .order_by("-created_at", "-id")[:10]
    ]
    recent_conflicts = (
        ScanLog.objects.filter(event=event, conflict=True)
        .select_related("registration", "checkin_list", "device")
        .order_by("-created_at", "-id")[:5]
        if conflicts
        else []
    )
    return {
        "event": {"id": event.pk, **localized_data(event)},
        "generated_at": timezone.localtime(now).isoformat(),
        "offline_conflicts": conflicts,
        "recent_conflicts": [
            {
                "time": timezone.localtime(scan.created_at).strftime("%H:%M:%S"),
                "full_name": scan.registration.full_name if scan.registration else scan.scanned,
                "list": scan.checkin_list.name if scan.checkin_list else "",
                "device": scan.device.name if scan.device else "",
            }
            for scan in recent_conflicts
        ],
        "expected": sum(confirmed.values()),
        "arrived": len(firsts),
        "inside_now": _inside_now(event_id=event.pk, per_list=False)
        .values("registration_id")
        .distinct()
        .count(),
        "per_10_minutes": arrivals_per_bucket(firsts, event=event, now=now),
        "by_category": categories,
        "by_list": lists,
        "recent": recent,
    }


def checkin_list_stats(*, checkin_list: CheckInList, now=None) -> dict:
    """Figures of one list: expected, checked in, inside now, by category, per 10 minutes, and
    failed scans by reason. A fixed number of queries."""
    now = now or timezone.now()
    admitted = set(checkin_list.categories.values_list("pk", flat=True))
    confirmed = Registration.objects.filter(
        event_id=checkin_list.event_id, status=RegistrationStatus.CONFIRMED
    )
    if admitted:
        confirmed = confirmed.filter(category_id__in=admitted)
    expected = _per_category(confirmed)
    firsts, by_category = _arrivals(_live_entries(checkin_list=checkin_list))
    categories = AttendeeCategory.objects.filter(event_id=checkin_list.event_id)
    if admitted:
        categories = categories.filter(pk__in=admitted)
    inside = (
        _inside_now(event_id=checkin_list.event_id, per_list=True)
        .filter(checkin_list=checkin_list)
        .values("registration_id")
        .distinct()
        .count()
    )
    failed = dict(
        checkin_list.scans.filter(~Q(result="ok"))
        .values_list("result")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "list": {
            "id": checkin_list.pk,
            "name": checkin_list.name,
            "allow_reentry": checkin_list.allow_reentry,
            "open": checkin_list.is_open(now),
        },
        "generated_at": timezone.localtime(now).isoformat(),
        "expected": sum(expected.values()),
        "checked_in": len(firsts),
        "inside_now": inside,
        "by_category": [
            {
                "id": category.pk,
                **localized_data(category),
                "expected": expected.get(category.pk, 0),
                "checked_in": by_category.get(category.pk, 0),
            }
            for category in categories
        ],
        "per_10_minutes": arrivals_per_bucket(firsts, event=checkin_list.event, now=now),
        "failed_scans": failed,
    }


def arrivals_today(*, event: Event, now=None) -> int:
    """How many guests of ``event`` entered one of its lists today (the forum's day, from
    midnight in its time zone): each guest once (one query)."""
    now = timezone.localtime(now or timezone.now())
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    entries = _live_entries(checkin_list__event_id=event.pk, created_at__gte=midnight)
    return entries.aggregate(n=Count("registration_id", distinct=True))["n"]
