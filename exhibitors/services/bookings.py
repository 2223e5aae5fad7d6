"""Booth booking: hold → request → approve/reject, cancel, expire, move, block.

Every function runs in one transaction and locks the scarce rows in a fixed order (exhibitor,
then booths by id, then the booking), so that concurrent calls never deadlock. The database backs
the rules: at most one live booking per booth (a partial unique constraint). Each change of a
booking is recorded as a ``BookingTransition`` (the booking's own history, which its emails
read) and, in the same transaction, in the activity log (``booking.held``, ``booking.moved``…),
and emailed to the exhibitor after the commit. Booth changes (reserve, release, edit) go to the
activity log only.

A booking's ``event`` is its booth's event. A CHECK constraint cannot look at another table, so
the services keep it: ``booth_hold`` and ``booking_move`` compare the events on the locked booth
row, and ``booth_update`` (which locks the same row) keeps a booth that has bookings in its event.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.activity import Actor, diff, log_action
from core.time import HCM
from events.models import Event
from exhibitors.emails import PAYMENT_DUE, booking_kind
from exhibitors.enums import (
    LIVE_BOOKING_STATUSES,
    PAYMENT_DUE_STATUSES,
    BookingAction,
    BookingExtra,
    BookingStatus,
    PaymentStatus,
)
from exhibitors.exceptions import (
    BookingClosed,
    BoothBlocked,
    BoothBooked,
    BoothEventFixed,
    BoothHasBooking,
    BoothUnavailable,
    ExhibitorsError,
    HoldExpired,
    InvalidTransition,
    LimitReached,
    ReasonRequired,
    StaffOverQuota,
    WrongEvent,
)
from exhibitors.models import (
    BookingTransition,
    Booth,
    BoothBooking,
    ExhibitionSettings,
    Exhibitor,
)
from exhibitors.selectors import exhibitor_recipients
from exhibitors.services.invoices import proforma_issue
from exhibitors.services.payments import booking_payment_settle
from exhibitors.services.plan import PLACE_FIELDS, booth_place_check
from exhibitors.validators import normalize_tax_code, tax_code_problem
from mail.services import email_queue


def exhibition_settings_get(*, event: Event) -> ExhibitionSettings:
    """The exhibition rules of ``event``, created with the defaults the first time.

    Side effects: may insert the settings row.
    """
    settings_, _created = ExhibitionSettings.objects.get_or_create(event=event)
    return settings_


#: The rules an organizer sets per event (the admin form shows them in this order).
SETTINGS_FIELDS = (
    "booking_open",
    "booking_closes_at",
    "max_booths_per_exhibitor",
    "hold_minutes",
    "staff_quota_standard",
    "staff_quota_corner",
    "staff_quota_premium",
    "bank_bin",
    "bank_account_number",
    "bank_account_name",
    "seller_name",
    "seller_address",
    "seller_tax_code",
    "booth_vat_rate",
    "payment_days",
    "payment_deadline",
    "payment_reminder_days",
    "release_unpaid",
)


def exhibition_settings_update(*, event: Event, **fields) -> ExhibitionSettings:
    """Change the exhibition rules of ``event`` (booking open, limits, hold duration, quotas).

    Side effects: locks and updates (or inserts) the settings row.
    """
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ExhibitorsError(code="invalid")
    with transaction.atomic():
        exhibition_settings_get(event=event)
        settings_ = ExhibitionSettings.objects.select_for_update().get(event=event)
        for key, value in fields.items():
            setattr(settings_, key, value)
        settings_.full_clean()
        settings_.save()
    return settings_


#: What describes a booth besides its event and code (the admin form shows them in this order).
BOOTH_FIELDS = (
    "zone",
    "zone_en",
    "tier",
    "price_vnd",
    "width_m",
    "depth_m",
    "has_power",
    "has_internet",
    "has_furniture",
    "x_m",
    "y_m",
)


def booth_upsert(*, event: Event, code: str, by=None, **fields) -> tuple[Booth, bool]:
    """Create booth ``code`` of ``event`` with ``fields``, or return the existing one unchanged.

    Returns ``(booth, created)``. Side effects: may insert the booth (activity entry
    ``booth.created`` by ``by``).
    """
    unknown = set(fields) - set(BOOTH_FIELDS)
    if unknown:
        raise ExhibitorsError(code="invalid")
    with transaction.atomic():
        booth, created = Booth.objects.get_or_create(event=event, code=code, defaults=fields)
        if created:
            log_action(action="booth.created", obj=booth, actor=by)
    return booth, created


#: What the exhibitor agreed to: fixed while a live booking holds the booth (the staff quota
#: follows the tier, the booking's price was the booth's).
BOOKED_BOOTH_FIXED_FIELDS = ("event", "code", "tier", "price_vnd")


def booth_update(
    *, booth: Booth, by=None, reason: str = "", now: dt.datetime | None = None, **fields
) -> Booth:
    """Change booth ``booth``: its event, code or any of the ``BOOTH_FIELDS``.

    Refuses, changing nothing: a change of the event, code, tier or price while a live booking
    holds the booth (``BoothBooked``); a change of the event of a booth with any booking, live
    or past (``BoothEventFixed``: a booking's event is its booth's event); a place or size
    that leaves the hall or overlaps another booth (``PlanInvalid``). A free booth, and the
    zone, size, amenities and position of any booth, stay editable.
    Side effects: locks the booth; expires its stale holds; validates and updates it; if
    anything changed, the activity entry ``booth.updated`` by ``by`` with the changes.
    """
    unknown = set(fields) - {"event", "code", *BOOTH_FIELDS}
    if unknown:
        raise ExhibitorsError(code="invalid")
    now = now or timezone.now()
    with transaction.atomic():
        booth = Booth.objects.select_for_update().get(pk=booth.pk)
        if "event" in fields:
            fields["event_id"] = getattr(fields.pop("event"), "pk", None)
        changed = {
            name.removesuffix("_id") for name, v in fields.items() if getattr(booth, name) != v
        }
        if changed & set(BOOKED_BOOTH_FIXED_FIELDS) and _booth_is_taken(booth, now=now):
            raise BoothBooked()
        if "event" in changed and BoothBooking.objects.filter(booth=booth).exists():
            raise BoothEventFixed()
        before = {name: getattr(booth, name) for name in fields}
        for name, value in fields.items():
            setattr(booth, name, value)
        booth.full_clean()
        if changed & set(PLACE_FIELDS):
            booth_place_check(booth=booth)
        booth.save()
        if changes := diff(before, {name: getattr(booth, name) for name in fields}):
            log_action(
                action="booth.updated",
                obj=booth,
                actor=by,
                reason=reason,
                changes={name.removesuffix("_id"): pair for name, pair in changes.items()},
            )
    return booth


def booking_email_queue(*, transition: BookingTransition, by=None):
    """Owe the exhibitor (its contact and members, in its language) the email of one booking
    step. Side effects: writes the outbox row in the current transaction; sent after commit."""
    return exhibitor_email_queue(
        booking=transition.booking,
        kind=booking_kind(transition.action),
        by=by,
        transition_id=transition.pk,
    )


def exhibitor_email_queue(*, booking: BoothBooking, kind: str, by=None, **context):
    """Owe the exhibitor (its contact and members, in its language) an email of ``kind`` about
    ``booking``, with ``context`` (a payment email reads the amount, deadline and transfer
    details when it is sent). Side effects: as ``booking_email_queue``."""
    exhibitor = booking.exhibitor
    return email_queue(
        kind=kind,
        to=exhibitor_recipients(exhibitor=exhibitor),
        language=exhibitor.language,
        about=booking,
        context=context,
        by=by,
    )


def _record(
    booking: BoothBooking,
    *,
    action: str,
    from_status: str,
    by=None,
    reason: str = "",
    from_booth: Booth | None = None,
    now: dt.datetime,
) -> BookingTransition:
    """Write the transition and its activity entry, and owe the exhibitor its email, in the same
    transaction (the outbox sends it after the commit)."""
    transition = BookingTransition.objects.create(
        booking=booking,
        action=action,
        from_status=from_status,
        to_status=booking.status,
        from_booth=from_booth or booking.booth,
        to_booth=booking.booth,
        by=by if getattr(by, "pk", None) else None,
        at=now,
        reason=reason,
        price_vnd=booking.price_vnd,
    )
    booking_email_queue(transition=transition, by=by)
    changes = {"status": [from_status or None, booking.status]}
    if transition.from_booth_id != transition.to_booth_id:
        changes["booth"] = [transition.from_booth.code, transition.to_booth.code]
    log_action(
        action=f"booking.{ACTIVITY[action]}",
        obj=booking,
        actor=by if by is not None else Actor.system(),
        reason=reason,
        changes={field: pair for field, pair in changes.items() if pair[0] != pair[1]},
    )
    return transition


#: The activity log's action of each booking transition: ``booking.<this>``.
ACTIVITY = {
    BookingAction.HOLD: "held",
    BookingAction.REQUEST: "requested",
    BookingAction.APPROVE: "approved",
    BookingAction.REJECT: "rejected",
    BookingAction.CANCEL: "cancelled",
    BookingAction.EXPIRE: "expired",
    BookingAction.MOVE: "moved",
}


def _expire_stale(bookings, *, now: dt.datetime) -> int:
    """Mark the held bookings among ``bookings`` whose deadline has passed as expired."""
    count = 0
    stale = bookings.select_for_update().filter(status=BookingStatus.HELD, held_until__lte=now)
    for booking in stale:
        booking.status = BookingStatus.EXPIRED
        booking.save(update_fields=["status"])
        _record(booking, action=BookingAction.EXPIRE, from_status=BookingStatus.HELD, now=now)
        count += 1
    return count


def _booth_is_taken(booth: Booth, *, now: dt.datetime) -> bool:
    """Whether ``booth`` has a live booking, once its stale holds are expired."""
    _expire_stale(BoothBooking.objects.filter(booth=booth), now=now)
    return BoothBooking.objects.filter(booth=booth, status__in=LIVE_BOOKING_STATUSES).exists()


def _check_open(event_settings: ExhibitionSettings, now: dt.datetime) -> None:
    if not event_settings.is_open(now):
        raise BookingClosed()


def _schedule_expiry(booking: BoothBooking) -> None:
    """Ask the task worker to expire the hold at its deadline (when the backend can defer)."""
    from exhibitors.tasks import expire_booking_hold  # noqa: PLC0415 (tasks and staff import the bookings)

    if expire_booking_hold.get_backend().supports_defer:
        task = expire_booking_hold.using(run_after=booking.held_until)
        transaction.on_commit(lambda: task.enqueue(booking.pk))


def booth_hold(
    *,
    event: Event,
    booth: Booth,
    exhibitor: Exhibitor,
    by=None,
    now: dt.datetime | None = None,
    lock: bool = True,
) -> BoothBooking:
    """Hold ``booth`` for ``exhibitor`` for the event's hold duration.

    Refuses with a domain error, changing nothing: a booth of another event (``WrongEvent``),
    booking closed (``BookingClosed``), a reserved booth (``BoothBlocked``), a booth with a live
    booking (``BoothUnavailable``), an exhibitor at the event's limit (``LimitReached``).
    ``lock=False`` skips the row locks: only for the race-control tests.

    Side effects: locks the exhibitor then the booth; expires stale holds of the booth; inserts
    the booking and its transition; on commit emails the exhibitor and, with a database task
    backend, schedules the expiry of the hold.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if lock:
            exhibitor = Exhibitor.objects.select_for_update().get(pk=exhibitor.pk)
            booth = Booth.objects.select_for_update().get(pk=booth.pk)
        else:
            booth = Booth.objects.get(pk=booth.pk)
        # Checked on the locked row: ``booth_update`` cannot move it to another event meanwhile.
        if booth.event_id != event.pk:
            raise WrongEvent()
        event_settings = exhibition_settings_get(event=event)
        _check_open(event_settings, now)
        if booth.blocked:
            raise BoothBlocked()
        if _booth_is_taken(booth, now=now):
            raise BoothUnavailable()
        live = BoothBooking.objects.filter(exhibitor=exhibitor, event=event).live(now).count()
        if live >= event_settings.max_booths_per_exhibitor:
            raise LimitReached()
        try:
            with transaction.atomic():
                booking = BoothBooking.objects.create(
                    event=event,
                    booth=booth,
                    exhibitor=exhibitor,
                    status=BookingStatus.HELD,
                    held_until=now + dt.timedelta(minutes=event_settings.hold_minutes),
                    price_vnd=booth.price_vnd,
                    invoice_company=exhibitor.name,
                    invoice_tax_code=exhibitor.tax_code,
                    invoice_email=exhibitor.contact_email,
                    created_at=now,
                    created_by=by if getattr(by, "pk", None) else None,
                )
        except IntegrityError as exc:  # another request took the booth first
            raise BoothUnavailable() from exc
        _record(booking, action=BookingAction.HOLD, from_status="", by=by, now=now)
        _schedule_expiry(booking)
    return booking


def _lock_booking(booking: BoothBooking) -> BoothBooking:
    return (
        BoothBooking.objects.select_for_update(of=("self",))
        .select_related("booth")
        .get(pk=booking.pk)
    )


def booking_request(
    *,
    booking: BoothBooking,
    by=None,
    extras: Iterable[str] = (),
    invoice_company: str,
    invoice_tax_code: str,
    invoice_address: str,
    invoice_email: str,
    notes: str = "",
    now: dt.datetime | None = None,
) -> BoothBooking:
    """Confirm the details of a held booking and send it to the organizer: held → requested.

    Refuses: an expired hold (``HoldExpired``), a booking not held (``InvalidTransition``),
    booking closed, an invalid invoice tax code or extra.
    Side effects: locks the booking; updates it; records the transition; emails on commit.
    """
    now = now or timezone.now()
    extras = list(dict.fromkeys(extras))
    if any(extra not in BookingExtra.values for extra in extras):
        raise ExhibitorsError(_("Unknown extra."), code="invalid_extra")
    invoice_tax_code = normalize_tax_code(invoice_tax_code)
    if problem := tax_code_problem(invoice_tax_code):
        raise problem()
    if not (invoice_company or "").strip():
        raise ExhibitorsError(_("Please give the company name for the invoice."), code="invalid")
    with transaction.atomic():
        booking = _lock_booking(booking)
        if booking.effective_status(now) == BookingStatus.EXPIRED:
            raise HoldExpired()
        if booking.status != BookingStatus.HELD:
            raise InvalidTransition()
        _check_open(exhibition_settings_get(event=booking.event), now)
        booking.status = BookingStatus.REQUESTED
        booking.requested_at = now
        booking.extras = extras
        booking.invoice_company = invoice_company.strip()
        booking.invoice_tax_code = invoice_tax_code
        booking.invoice_address = (invoice_address or "").strip()
        booking.invoice_email = (invoice_email or "").strip()
        booking.notes = (notes or "").strip()
        booking.save()
        _record(
            booking, action=BookingAction.REQUEST, from_status=BookingStatus.HELD, by=by, now=now
        )
    return booking


def _decide(booking, *, to_status, action, by, reason, now) -> BoothBooking:
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_booking(booking)
        if booking.status != BookingStatus.REQUESTED:
            raise InvalidTransition()
        booking.status = to_status
        booking.decided_at = now
        booking.decided_by = by
        booking.reason = reason
        if to_status == BookingStatus.APPROVED:  # an order now: the exhibitor owes its total
            booking.payment_status = PaymentStatus.AWAITING
            rules = exhibition_settings_get(event=booking.event)
            booking.payment_due = rules.payment_due_for(timezone.localtime(now, HCM).date())
        booking.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "reason",
                "payment_status",
                "payment_due",
            ]
        )
        _record(
            booking,
            action=action,
            from_status=BookingStatus.REQUESTED,
            by=by,
            reason=reason,
            now=now,
        )
        if to_status == BookingStatus.APPROVED:
            proforma_issue(booking=booking, by=by, now=now)
            exhibitor_email_queue(booking=booking, kind=PAYMENT_DUE, by=by)
    return booking


def booking_approve(*, booking: BoothBooking, by, now: dt.datetime | None = None) -> BoothBooking:
    """The organizer approves a requested booking: requested → approved, its payment awaited
    by the event's deadline (``ExhibitionSettings.payment_due_for`` the approval's local date).

    Side effects: locks the booking; sets its payment status and due date; records the
    transition; issues its pro-forma invoice (the event's next number); emails the exhibitor
    on commit: the approval, then what to pay, how and by when ("booking.payment_due").
    """
    return _decide(
        booking,
        to_status=BookingStatus.APPROVED,
        action=BookingAction.APPROVE,
        by=by,
        reason="",
        now=now,
    )


def booking_reject(
    *, booking: BoothBooking, by, reason: str, now: dt.datetime | None = None
) -> BoothBooking:
    """The organizer rejects a requested booking with a reason: requested → rejected.

    Side effects: locks the booking; frees the booth; records the transition; emails on commit.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return _decide(
        booking,
        to_status=BookingStatus.REJECTED,
        action=BookingAction.REJECT,
        by=by,
        reason=reason[:500],
        now=now,
    )


def booking_cancel(
    *,
    booking: BoothBooking,
    by=None,
    reason: str = "",
    now: dt.datetime | None = None,
    payment_status: str | None = None,
) -> BoothBooking:
    """Cancel a live booking (by its exhibitor or an organizer): held, requested or approved
    → cancelled. With ``payment_status`` (the release of an unpaid booth), refuses
    (``InvalidTransition``) a booking whose payment status, read on the locked row, is another
    (paid meanwhile: it stays).

    Side effects: locks the booking; frees the booth; cancels the badges of its staff through
    the registration services; an awaited payment is no longer awaited (a paid booking stays
    paid); records the transition; emails on commit.
    """
    from exhibitors.services.staff import staff_remove  # noqa: PLC0415 (tasks and staff import the bookings)

    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_booking(booking)
        if booking.effective_status(now) == BookingStatus.EXPIRED:
            raise HoldExpired()
        if booking.status not in LIVE_BOOKING_STATUSES:
            raise InvalidTransition()
        if payment_status is not None and booking.payment_status != payment_status:
            raise InvalidTransition()
        from_status = booking.status
        for member in booking.staff.filter(status="active"):
            staff_remove(staff=member, by=by, now=now)
        booking.status = BookingStatus.CANCELLED
        booking.reason = (reason or "").strip()[:500]
        if booking.payment_status in PAYMENT_DUE_STATUSES:  # a paid one stays paid (refunds)
            booking.payment_status = PaymentStatus.CANCELLED
        booking.save(update_fields=["status", "reason", "payment_status"])
        _record(
            booking,
            action=BookingAction.CANCEL,
            from_status=from_status,
            by=by,
            reason=booking.reason,
            now=now,
        )
    return booking


def booking_move(
    *,
    booking: BoothBooking,
    to_booth: Booth,
    by,
    reason: str = "",
    now: dt.datetime | None = None,
) -> BoothBooking:
    """The organizer moves a live booking to another booth of the same event, in one step.

    The booking keeps its status, staff and history; its price becomes the new booth's.
    Refuses: another event's booth, a reserved or taken booth, a booth whose tier allows fewer
    staff passes than the booking has.
    Side effects: locks both booths (by id) and the booking; expires stale holds of the new
    booth; records a ``move`` transition (from booth, to booth); a booking money was received
    for settles its payment status on the new price (``booking_payment_settle``); emails on
    commit.
    """
    from exhibitors.services.staff import staff_quota_for  # noqa: PLC0415 (tasks and staff import the bookings)

    now = now or timezone.now()
    with transaction.atomic():
        booth_ids = sorted({booking.booth_id, to_booth.pk})
        booths = {b.pk: b for b in Booth.objects.select_for_update().filter(pk__in=booth_ids)}
        to_booth = booths[to_booth.pk]
        booking = _lock_booking(booking)
        if to_booth.event_id != booking.event_id:  # on the locked rows, as in ``booth_hold``
            raise WrongEvent()
        if not booking.is_live(now):
            raise InvalidTransition()
        if to_booth.pk == booking.booth_id:
            raise BoothUnavailable()
        if to_booth.blocked:
            raise BoothBlocked()
        if _booth_is_taken(to_booth, now=now):
            raise BoothUnavailable()
        if booking.staff.filter(status="active").count() > staff_quota_for(
            booking=booking, booth=to_booth
        ):
            raise StaffOverQuota()
        from_booth = booking.booth
        booking.booth = to_booth
        booking.price_vnd = to_booth.price_vnd
        try:
            with transaction.atomic():
                booking.save(update_fields=["booth", "price_vnd"])
        except IntegrityError as exc:
            raise BoothUnavailable() from exc
        _record(
            booking,
            action=BookingAction.MOVE,
            from_status=booking.status,
            by=by,
            reason=(reason or "").strip()[:500],
            from_booth=from_booth,
            now=now,
        )
        booking_payment_settle(
            booking=booking, by=by, now=now, reason=f"{from_booth.code} → {to_booth.code}"
        )
    return booking


def booth_block(*, booth: Booth, by, reason: str = "", now: dt.datetime | None = None) -> Booth:
    """The organizer reserves a free booth (for a sponsor): nobody can book it.

    Refuses a booth with a live booking (``BoothHasBooking``): cancel or move it first.
    Side effects: locks the booth; expires its stale holds; updates it; the activity entry
    ``booth.blocked`` by ``by`` with the reason.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booth = Booth.objects.select_for_update().get(pk=booth.pk)
        if _booth_is_taken(booth, now=now):
            raise BoothHasBooking()
        booth.blocked = True
        booth.blocked_reason = (reason or "").strip()[:200]
        booth.blocked_at = now
        booth.blocked_by = by if getattr(by, "pk", None) else None
        booth.save(update_fields=["blocked", "blocked_reason", "blocked_at", "blocked_by"])
        log_action(
            action="booth.blocked",
            obj=booth,
            actor=by,
            reason=booth.blocked_reason,
            changes={"blocked": [False, True]},
        )
    return booth


def booth_unblock(*, booth: Booth, by, reason: str = "") -> Booth:
    """Release a reserved booth. Side effects: locks and updates the booth; the activity entry
    ``booth.unblocked`` by ``by`` (with the reservation's reason among the changes)."""
    with transaction.atomic():
        booth = Booth.objects.select_for_update().get(pk=booth.pk)
        if not booth.blocked:
            return booth
        was = booth.blocked_reason
        booth.blocked = False
        booth.blocked_reason = ""
        booth.blocked_at = None
        booth.blocked_by = None
        booth.save(update_fields=["blocked", "blocked_reason", "blocked_at", "blocked_by"])
        changes = {"blocked": [True, False], "blocked_reason": [was, ""]}
        log_action(action="booth.unblocked", obj=booth, actor=by, reason=reason, changes=changes)
    return booth


def booking_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every hold whose deadline has passed (the periodic job). Returns how many.

    Side effects: per booking, in its own transaction: locks it (re-checking its status once
    the lock is granted), marks it expired, records the transition; emails on commit.
    """
    now = now or timezone.now()
    due = BoothBooking.objects.filter(status=BookingStatus.HELD, held_until__lte=now)
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            count += _expire_stale(BoothBooking.objects.filter(pk=pk), now=now)
    return count


def booking_expire_one(*, booking_id: int, now: dt.datetime | None = None) -> bool:
    """Expire one hold if its deadline has passed (the deferred task). Returns whether it did.

    Side effects: as ``booking_expire_due`` for one booking.
    """
    now = now or timezone.now()
    with transaction.atomic():
        return bool(_expire_stale(BoothBooking.objects.filter(pk=booking_id), now=now))
