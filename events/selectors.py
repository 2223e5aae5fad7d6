"""Reads of events that span relations (views and admin use these)."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.text import fold
from events.enums import RegistrationStatus
from events.models import Announcement, AnnouncementRecipient, AttendeeCategory, Event, Registration
from mail.models import EmailStatus


def event_open_for_registration() -> Event | None:
    """The soonest event that has not ended and whose registration window is open."""
    now = timezone.now()
    for event in Event.objects.filter(ends_at__gt=now).order_by("starts_at")[:20]:
        if event.registration_is_open(now):
            return event
    return None


def category_seats_left(*, event: Event) -> dict[int, int | None]:
    """Seats left per category of ``event`` (None: no limit), counting confirmed guests only,
    as the service does when it decides a seat; the event's own capacity caps every category.
    Two queries. Advisory: the seat is decided under lock when the guest confirms."""
    taken = dict(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    event_left = None
    if event.capacity is not None:
        event_left = max(event.capacity - sum(taken.values()), 0)
    seats: dict[int, int | None] = {}
    for pk, capacity in event.categories.values_list("pk", "capacity"):
        limits = [n for n in (event_left,) if n is not None]
        if capacity is not None:
            limits.append(max(capacity - taken.get(pk, 0), 0))
        seats[pk] = min(limits) if limits else None
    return seats


def registration_by_manage_secret(secret: str) -> Registration | None:
    if not secret or len(secret) > 64:
        return None
    return (
        Registration.objects.select_related("event", "category")
        .filter(manage_secret=secret)
        .first()
    )


def registration_search(queryset: QuerySet, query: str) -> QuerySet:
    """Accent-blind search on name, email, organization and phone: every folded word of
    ``query`` must appear in the registration's ``search_key``."""
    for word in fold(query).split()[:8]:
        queryset = queryset.filter(search_key__contains=word)
    return queryset


def registration_status_counts(queryset: QuerySet | None = None) -> list[dict]:
    """[{status, label, count}] for every status, in the enum's order (one query)."""
    queryset = Registration.objects.all() if queryset is None else queryset
    counts = dict(
        queryset.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in RegistrationStatus.choices
    ]


def categories_with_counts(queryset: QuerySet | None = None) -> QuerySet:
    """Categories with their confirmed, waitlisted and pending counts (one query)."""
    queryset = AttendeeCategory.objects.all() if queryset is None else queryset
    status = "registrations__status"
    return queryset.select_related("event").annotate(
        confirmed=Count("registrations", filter=Q(**{status: RegistrationStatus.CONFIRMED})),
        waitlisted=Count("registrations", filter=Q(**{status: RegistrationStatus.WAITLISTED})),
        pending=Count(
            "registrations",
            filter=Q(
                **{
                    f"{status}__in": [
                        RegistrationStatus.PENDING_EMAIL,
                        RegistrationStatus.PENDING_APPROVAL,
                    ]
                }
            ),
        ),
    )


def event_current(now=None) -> Event | None:
    """The event organizers are working on: the running one or the next to start; when every
    event is over, the latest (one query)."""
    now = now or timezone.now()
    upcoming = Event.objects.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return upcoming.first() or Event.objects.order_by("-starts_at", "-pk").first()


def registration_counts_by_category(*, event: Event) -> list[dict]:
    """[{category, total, counts: {status: n}}] of the event's categories in their order (two
    queries whatever the number of registrations)."""
    rows = (
        Registration.objects.filter(event=event)
        .order_by()
        .values_list("category_id", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = {}
    for category_id, status, n in rows:
        counts.setdefault(category_id, {})[status] = n
    return [
        {
            "category": category,
            "counts": counts.get(category.pk, {}),
            "total": sum(counts.get(category.pk, {}).values()),
        }
        for category in AttendeeCategory.objects.filter(event=event)
    ]


def announcement_status_counts(announcement: Announcement) -> list[tuple[str, int]]:
    """(status label, how many) of the outbox emails of ``announcement``, by status."""
    rows = (
        AnnouncementRecipient.objects.filter(announcement=announcement, email__isnull=False)
        .values("email__status")
        .annotate(n=Count("pk"))
        .order_by("email__status")
    )
    return [(EmailStatus(row["email__status"]).label, row["n"]) for row in rows]
