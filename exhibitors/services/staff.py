"""Booth staff passes: each staff member is a registration in the event's exhibitor-staff
category, made and cancelled through the registration services (never a copy of them)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.activity import log_action
from events.enums import DataBasis, RegistrationStatus
from events.exceptions import EventsError
from events.models import AttendeeCategory, Event
from events.services import registration_cancel, registration_create
from exhibitors.enums import BookingStatus, StaffStatus
from exhibitors.exceptions import (
    ExhibitorsError,
    NotApproved,
    StaffAlreadyRegistered,
    StaffQuotaReached,
)
from exhibitors.models import Booth, BoothBooking, BoothStaff
from exhibitors.selectors import settings_for

STAFF_CATEGORY_SLUG = "exhibitor-staff"


def staff_category_get(*, event: Event) -> AttendeeCategory:
    """The event's "exhibitor staff" attendee category (invitation-only, no approval, no cap),
    created the first time. Side effects: may insert the category."""
    category, _created = AttendeeCategory.objects.get_or_create(
        event=event,
        slug=STAFF_CATEGORY_SLUG,
        defaults={
            "name": "Nhân viên gian hàng (Exhibitor staff)",
            "is_public": False,
            "needs_approval": False,
            "badge_colour": "#b45309",
            "sort_order": 90,
        },
    )
    return category


def staff_quota_for(*, booking: BoothBooking, booth: Booth | None = None) -> int:
    """How many staff passes the booking's booth (or ``booth``) allows, by its tier.

    A read: without a rules row for the event it uses the defaults, and writes nothing (the
    booking page calls it on GET; ``booth_hold`` creates the rules row when booking starts).
    """
    booth = booth or booking.booth
    return settings_for(booking.event).staff_quota(booth.tier)


def staff_add(
    *,
    booking: BoothBooking,
    full_name: str,
    email: str,
    position: str = "",
    by=None,
    now: dt.datetime | None = None,
) -> BoothStaff:
    """Give a person a staff pass for an approved booking, up to the quota of its booth's tier.

    Refuses: a booking not approved (``NotApproved``), the quota reached
    (``StaffQuotaReached``), a person already registered for the event
    (``StaffAlreadyRegistered``).
    Side effects: locks the booking; inserts the staff row; creates a confirmed registration
    in the exhibitor-staff category through ``registration_create`` (which emails the badge on
    commit, and logs ``registration.created``); the activity entry ``booking.staff_added`` by
    ``by``.
    """

    now = now or timezone.now()
    full_name = " ".join((full_name or "").split())
    email = (email or "").strip()
    if not full_name or not email:
        raise ExhibitorsError(code="invalid")
    with transaction.atomic():
        booking = (
            BoothBooking.objects.select_for_update(of=("self",))
            .select_related("booth", "exhibitor", "event")
            .get(pk=booking.pk)
        )
        if booking.status != BookingStatus.APPROVED:
            raise NotApproved()
        active = booking.staff.filter(status=StaffStatus.ACTIVE)
        if active.filter(email__iexact=email).exists():
            raise StaffAlreadyRegistered()
        if active.count() >= staff_quota_for(booking=booking):
            raise StaffQuotaReached()
        exhibitor = booking.exhibitor
        try:
            with transaction.atomic():
                registration = registration_create(
                    event=booking.event,
                    category=staff_category_get(event=booking.event),
                    full_name=full_name,
                    email=email,
                    phone="",
                    organization=exhibitor.name,
                    title=position,
                    language=exhibitor.language,
                    basis=DataBasis.STAFF_PASS,
                    skip_email_confirmation=True,
                    created_by=by if getattr(by, "pk", None) else None,
                    by=by,
                    reason=f"exhibitor staff · {exhibitor.name}",
                )
                staff = BoothStaff.objects.create(
                    booking=booking,
                    full_name=full_name,
                    email=email,
                    position=(position or "").strip(),
                    registration=registration,
                    created_at=now,
                    created_by=by if getattr(by, "pk", None) else None,
                )
        except EventsError as exc:
            if getattr(exc, "code", "") == "already_registered":
                raise StaffAlreadyRegistered() from exc
            raise ExhibitorsError(exc.message, code=exc.code) from exc
        except IntegrityError as exc:
            raise StaffAlreadyRegistered() from exc
        _log(staff, "staff_added", by=by, changes={"staff": [None, _label(staff)]})
    return staff


def _label(staff: BoothStaff) -> str:
    return f"{staff.full_name} <{staff.email}>"


def _log(staff: BoothStaff, action: str, *, by, changes: dict) -> None:
    """The activity entry of a staff pass: on its booking, whose page shows it."""
    log_action(action=f"booking.{action}", obj=staff.booking, actor=by, changes=changes)


def staff_remove(*, staff: BoothStaff, by=None, now: dt.datetime | None = None) -> BoothStaff:
    """Take a staff pass back: the registration is cancelled through ``registration_cancel``
    (its QR badge stops working).

    Side effects: locks the staff row; updates it; cancels the registration (emails on commit;
    logs ``registration.cancelled``); the activity entry ``booking.staff_removed`` by ``by``.
    """

    now = now or timezone.now()
    with transaction.atomic():
        staff = (
            BoothStaff.objects.select_for_update(of=("self",))
            .select_related("registration", "booking__booth", "booking__exhibitor")
            .get(pk=staff.pk)
        )
        if staff.status != StaffStatus.ACTIVE:
            return staff
        registration = staff.registration
        if registration is not None and registration.status != RegistrationStatus.CANCELLED:
            registration_cancel(registration=registration, by=by, reason="exhibitor staff removed")
        staff.status = StaffStatus.REMOVED
        staff.removed_at = now
        staff.save(update_fields=["status", "removed_at"])
        _log(staff, "staff_removed", by=by, changes={"staff": [_label(staff), None]})
    return staff
