"""Booth fees: the prices of extras per event, and the payments of bookings.

Payments are records (``Payment``): money received (from a bank statement line or recorded by
hand) and refunds (negative). Partial payments add up; a booking's payment status follows their
sum, set by ``_settle`` in the transaction that records the payment, under the booking's row
lock:

- nothing (net) received: awaiting (an approved booking) or cancelled, refunded after a refund;
- some but less than the order's total: deposit paid;
- the total or more: paid (and a receipt is issued each time it becomes paid: once, unless a
  move to a dearer booth made it owe more and the rest was paid later).

Bank statements are imported and matched in ``exhibitors/services/reconcile.py``; a line an
organizer confirms becomes a payment here.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.activity import log_action
from core.time import HCM
from events.models import Event
from exhibitors.enums import (
    OWING_STATUSES,
    PAYABLE_STATUSES,
    BookingExtra,
    BookingStatus,
    PaymentSource,
    PaymentStatus,
)
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import BankStatementLine, BoothBooking, ExtraOption, Payment
from exhibitors.orders import booking_order


class NotAwaitingPayment(ExhibitorsError):
    code = "not_awaiting_payment"
    message = _("This booking is not awaiting payment.")


class InvalidPaymentAmount(ExhibitorsError):
    code = "invalid_payment_amount"
    message = _("The amount must be a whole number of đồng greater than zero.")


class RefundTooLarge(ExhibitorsError):
    code = "refund_too_large"
    message = _("The refund is more than what was received for this booking.")


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


def booking_paid_vnd(booking: BoothBooking) -> int:
    """What was received for ``booking``, net of refunds."""
    return booking.payments.aggregate(total=Sum("amount_vnd"))["total"] or 0


def booking_due_vnd(booking: BoothBooking) -> int:
    """What ``booking`` still owes (0 when paid, or when more was received)."""
    return max(booking_order(booking).total - booking_paid_vnd(booking), 0)


def _lock(booking: BoothBooking) -> BoothBooking:
    return (
        BoothBooking.objects.select_for_update(of=("self",))
        .select_related("booth", "exhibitor", "event")
        .get(pk=booking.pk)
    )


def _status_for(booking: BoothBooking, *, paid: int, total: int, refunded: bool) -> str:
    if paid >= total > 0:
        return PaymentStatus.PAID
    if paid > 0:
        return PaymentStatus.DEPOSIT_PAID
    if refunded:
        return PaymentStatus.REFUNDED
    if booking.status == BookingStatus.APPROVED:
        return PaymentStatus.AWAITING
    return PaymentStatus.CANCELLED


def _settle(booking: BoothBooking, *, by, now: dt.datetime) -> tuple[str, str]:
    """Set the locked ``booking``'s payment status from its payments; issue the receipt when it
    becomes paid and has none. Returns (old status, new status)."""
    from exhibitors.services.invoices import receipt_issue  # noqa: PLC0415 (invoices import us)

    old = booking.payment_status
    paid = booking_paid_vnd(booking)
    refunded = booking.payments.filter(source=PaymentSource.REFUND).exists()
    new = _status_for(booking, paid=paid, total=booking_order(booking).total, refunded=refunded)
    fields = ["payment_status"]
    booking.payment_status = new
    if new == PaymentStatus.PAID and old != PaymentStatus.PAID:
        booking.paid_at = now
        booking.paid_by = by if getattr(by, "pk", None) else None
        fields += ["paid_at", "paid_by"]
    elif new != PaymentStatus.PAID and booking.paid_at is not None:
        booking.paid_at = booking.paid_by = None
        fields += ["paid_at", "paid_by"]
    booking.save(update_fields=fields)
    if new == PaymentStatus.PAID and old != PaymentStatus.PAID:
        receipt_issue(booking=booking, by=by, now=now)
    return old, new


def booking_payment_settle(*, booking: BoothBooking, by, reason: str = "", now=None) -> str:
    """Set the payment status of ``booking`` (locked by the caller, in its transaction) again
    after its order changed (a move to a dearer or cheaper booth): paid may become deposit
    paid, and the reverse (a new receipt then). Does nothing to a booking no money was received
    for. Side effects: if the status changed, the activity entry ``payment.settled`` with the
    caller's reason. Returns the status."""
    if booking.payment_status not in (PaymentStatus.DEPOSIT_PAID, PaymentStatus.PAID):
        return booking.payment_status
    old, new = _settle(booking, by=by, now=now or timezone.now())
    if old != new:
        log_action(
            action="payment.settled",
            obj=booking,
            actor=by,
            reason=reason,
            changes={"payment_status": [old, new]},
        )
    return new


def _payment_add(
    booking: BoothBooking,
    *,
    amount_vnd: int,
    by,
    source: str,
    received_on,
    reference: str,
    statement_line=None,
    now: dt.datetime,
) -> tuple[Payment, int, str, str]:
    """Insert a payment of the locked ``booking`` and settle its status. Returns (payment, paid
    before, old status, new status)."""
    before = booking_paid_vnd(booking)
    payment = Payment.objects.create(
        booking=booking,
        amount_vnd=amount_vnd,
        received_on=received_on or now.astimezone(HCM).date(),
        source=source,
        reference=(reference or "").strip()[:500],
        statement_line=statement_line,
        recorded_at=now,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    old, new = _settle(booking, by=by, now=now)
    return payment, before, old, new


def payment_record(
    *,
    booking: BoothBooking,
    amount_vnd: int,
    by,
    source: str = PaymentSource.MANUAL,
    received_on: dt.date | None = None,
    reference: str = "",
    statement_line: BankStatementLine | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """Record money received for ``booking`` (a transfer seen on a bank statement, or by hand).

    Refuses, changing nothing, an amount that is not a positive whole number
    (``InvalidPaymentAmount``) and a booking that is not an order or whose payment is over
    (``NotAwaitingPayment``: cancelled or refunded). An over-payment is recorded (the booking
    is paid; the organizer refunds the difference).
    Side effects: locks the booking; inserts the payment; sets the payment status from the sum
    (``_settle``: the receipt when it becomes paid); the activity entry ``payment.recorded``
    by ``by`` with the reference as reason.
    """
    if not isinstance(amount_vnd, int) or isinstance(amount_vnd, bool) or amount_vnd <= 0:
        raise InvalidPaymentAmount()
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
        if booking.payment_status not in PAYABLE_STATUSES:
            raise NotAwaitingPayment()
        payment, before, old, new = _payment_add(
            booking,
            amount_vnd=amount_vnd,
            by=by,
            source=source,
            received_on=received_on,
            reference=reference,
            statement_line=statement_line,
            now=now,
        )
        log_action(
            action="payment.recorded",
            obj=booking,
            actor=by,
            reason=payment.reference,
            changes={
                "paid_vnd": [before, before + amount_vnd],
                **({"payment_status": [old, new]} if old != new else {}),
            },
        )
    return payment


def payment_refund(
    *,
    booking: BoothBooking,
    by,
    amount_vnd: int | None = None,
    reason: str = "",
    refunded_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """Pay back ``amount_vnd`` (all that was received, by default) of ``booking``: a refund
    entry (negative). Refuses, changing nothing, a refund of nothing or of more than was
    received (``RefundTooLarge``, ``InvalidPaymentAmount``).
    Side effects: locks the booking; inserts the refund; sets the payment status (refunded when
    nothing is left, else what the rest pays); the activity entry ``payment.refunded``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
        paid = booking_paid_vnd(booking)
        amount = paid if amount_vnd is None else amount_vnd
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise InvalidPaymentAmount() if amount_vnd is not None else RefundTooLarge()
        if amount > paid:
            raise RefundTooLarge()
        refund, _before, old, new = _payment_add(
            booking,
            amount_vnd=-amount,
            by=by,
            source=PaymentSource.REFUND,
            received_on=refunded_on,
            reference=reason,
            now=now,
        )
        log_action(
            action="payment.refunded",
            obj=booking,
            actor=by,
            reason=refund.reference,
            changes={"paid_vnd": [paid, paid - amount], "payment_status": [old, new]},
        )
    return refund


def booking_mark_paid(
    *, booking: BoothBooking, by, reason: str = "", now: dt.datetime | None = None
) -> BoothBooking:
    """An organizer records that an approved booking is paid (they saw the transfer): a manual
    payment of what remains due.

    Refuses, changing nothing, a booking that is not approved or that owes nothing
    (``NotAwaitingPayment``: already paid, cancelled, or not an order); a late payment of an
    overdue booking is recorded as any other.
    Side effects: locks the booking; a manual payment of the remainder (the status, time and
    organizer, the receipt); the activity entry ``booking.paid`` by ``by`` with the reason (the
    bank's transaction, say) and the sum received.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock(booking)
        old = booking.payment_status
        if booking.status != BookingStatus.APPROVED or old not in OWING_STATUSES:
            raise NotAwaitingPayment()
        due = booking_due_vnd(booking)
        changes = {"payment_status": [old, PaymentStatus.PAID.value]}
        if due > 0:
            before = booking_paid_vnd(booking)
            _payment_add(
                booking,
                amount_vnd=due,
                by=by,
                source=PaymentSource.MANUAL,
                received_on=None,
                reference=reason,
                now=now,
            )
            changes["paid_vnd"] = [before, before + due]
        else:  # an order of 0 đồng (everything free): paid without money
            booking.payment_status, booking.paid_at = PaymentStatus.PAID, now
            booking.paid_by = by if getattr(by, "pk", None) else None
            booking.save(update_fields=["payment_status", "paid_at", "paid_by"])
        log_action(
            action="booking.paid",
            obj=booking,
            actor=by,
            reason=(reason or "").strip()[:500],
            changes=changes,
        )
    return booking
