"""Booth fees: the prices of extras per event, and an organizer marking a booking paid.

Reconciliation with bank statements is not here yet: an organizer who sees the transfer marks
the booking paid by hand.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.activity import log_action
from events.models import Event
from exhibitors.enums import PAYMENT_DUE_STATUSES, BookingExtra, BookingStatus, PaymentStatus
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import BoothBooking, ExtraOption


class NotAwaitingPayment(ExhibitorsError):
    code = "not_awaiting_payment"
    message = _("This booking is not awaiting payment.")


def extra_price_set(
    *, event: Event, code: str, price_vnd: int, vat_rate: int, by=None
) -> ExtraOption:
    """Set the price (before VAT) and VAT rate of extra ``code`` at ``event``.

    Side effects: inserts or updates the event's ``ExtraOption``; if anything changed, the
    activity entry ``extra.priced`` by ``by`` with the changes.
    """
    if code not in BookingExtra.values:
        raise ExhibitorsError(_("Unknown extra."), code="invalid_extra")
    with transaction.atomic():
        option, created = ExtraOption.objects.select_for_update().get_or_create(
            event=event, code=code, defaults={"price_vnd": price_vnd, "vat_rate": vat_rate}
        )
        before = (None, None) if created else (option.price_vnd, option.vat_rate)
        option.price_vnd, option.vat_rate = price_vnd, vat_rate
        option.full_clean()
        option.save()
        if before != (price_vnd, vat_rate):
            changes = {"price_vnd": [before[0], price_vnd], "vat_rate": [before[1], vat_rate]}
            log_action(
                action="extra.priced",
                obj=option,
                actor=by,
                changes={k: v for k, v in changes.items() if v[0] != v[1]},
            )
    return option


def booking_mark_paid(
    *, booking: BoothBooking, by, reason: str = "", now: dt.datetime | None = None
) -> BoothBooking:
    """An organizer records that an approved booking is paid (they saw the transfer).

    Refuses, changing nothing, a booking that is not approved or whose payment is neither
    awaited nor overdue (``NotAwaitingPayment``: already paid, cancelled, or not an order); a
    late payment of an overdue booking is recorded as any other.
    Side effects: locks the booking; sets the payment status, time and organizer; the activity
    entry ``booking.paid`` by ``by`` with the reason (the bank's transaction, say).
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = BoothBooking.objects.select_for_update().get(pk=booking.pk)
        if (
            booking.status != BookingStatus.APPROVED
            or booking.payment_status not in PAYMENT_DUE_STATUSES
        ):
            raise NotAwaitingPayment()
        was = booking.payment_status
        booking.payment_status = PaymentStatus.PAID
        booking.paid_at = now
        booking.paid_by = by if getattr(by, "pk", None) else None
        booking.save(update_fields=["payment_status", "paid_at", "paid_by"])
        log_action(
            action="booking.paid",
            obj=booking,
            actor=by,
            reason=(reason or "").strip()[:500],
            changes={"payment_status": [was, PaymentStatus.PAID.value]},
        )
    return booking
