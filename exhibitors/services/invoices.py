"""Pro-forma invoices of bookings, numbered per event without gaps.

The number comes from the event's ``InvoiceSequence`` row, locked (``select_for_update``) and
incremented in the transaction that inserts the invoice: concurrent issues wait for each other,
and an issue that rolls back gives its number back. The unique constraint (event, number) is the
database's guard behind the lock.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation

from core.activity import log_action
from exhibitors.enums import PAYMENT_DUE_STATUSES
from exhibitors.exceptions import InvalidTransition
from exhibitors.models import BoothBooking, ExhibitionSettings, InvoiceSequence, ProformaInvoice
from exhibitors.orders import Order, booking_order

PROFORMA = "proforma"


def _next_number(*, event_id: int, lock: bool) -> int:
    InvoiceSequence.objects.get_or_create(event_id=event_id, kind=PROFORMA)
    rows = InvoiceSequence.objects.filter(event_id=event_id, kind=PROFORMA)
    sequence = (rows.select_for_update() if lock else rows).get()
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _snapshot_lines(booking: BoothBooking) -> tuple[Order, list[dict]]:
    labels = {}
    for language in ("vi", "en"):
        with translation.override(language):
            order = booking_order(booking)
            labels[language] = [line.label for line in order.lines]
    lines = [
        {
            "label_vi": label_vi,
            "label_en": label_en,
            "net": line.net,
            "vat_rate": line.vat_rate,
            "vat": line.vat,
        }
        for line, label_vi, label_en in zip(order.lines, labels["vi"], labels["en"], strict=True)
    ]
    return order, lines


def proforma_issue(
    *, booking: BoothBooking, by=None, now: dt.datetime | None = None, lock: bool = True
) -> ProformaInvoice:
    """Issue the next pro-forma invoice of ``booking``'s event for what the booking owes now.

    Refuses a booking that is not an order (``InvalidTransition``). ``lock=False`` skips the
    sequence's row lock: only for the race-control tests.
    Side effects: locks and increments the event's sequence row; inserts the invoice (the
    seller's identity from Exhibition → Rules, the buyer's from the booking's invoice details,
    the order's lines in Vietnamese and English); the activity entry ``proforma.issued``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not booking.payment_status:
            raise InvalidTransition()
        order, lines = _snapshot_lines(booking)
        rules = ExhibitionSettings.objects.filter(event_id=booking.event_id).first()
        invoice = ProformaInvoice.objects.create(
            event_id=booking.event_id,
            booking=booking,
            number=_next_number(event_id=booking.event_id, lock=lock),
            issued_at=now,
            issued_by=by if getattr(by, "pk", None) else None,
            seller_name=rules.seller_name if rules else "",
            seller_address=rules.seller_address if rules else "",
            seller_tax_code=rules.seller_tax_code if rules else "",
            buyer_name=booking.invoice_company or booking.exhibitor.name,
            buyer_address=booking.invoice_address,
            buyer_tax_code=booking.invoice_tax_code,
            buyer_email=booking.invoice_email,
            lines=lines,
            net_vnd=order.net,
            vat_vnd=order.vat,
            total_vnd=order.total,
            payment_reference=booking.payment_reference,
        )
        log_action(
            action="proforma.issued",
            obj=invoice,
            actor=by,
            changes={"number": [None, invoice.number], "total_vnd": [None, order.total]},
        )
    return invoice


def proforma_current(*, booking: BoothBooking, by=None) -> ProformaInvoice:
    """The booking's latest pro-forma invoice while it states what the booking owes; a new one
    (``proforma_issue``) when an awaited payment has none yet (approved before invoices) or
    its order changed (a move, a new price). Refuses a booking that never was an order and
    has none (``InvalidTransition``). Side effects: those of ``proforma_issue``, if it issues."""
    latest = booking.proforma_invoices.order_by("-number").first()
    if latest is None and booking.payment_status not in PAYMENT_DUE_STATUSES:
        raise InvalidTransition()
    if latest is not None:
        if booking.payment_status not in PAYMENT_DUE_STATUSES:
            return latest
        _order, lines = _snapshot_lines(booking)
        if latest.lines == lines and latest.buyer_name == (
            booking.invoice_company or booking.exhibitor.name
        ):
            return latest
    return proforma_issue(booking=booking, by=by)


def proforma_available(booking: BoothBooking) -> bool:
    """Whether ``booking`` has a pro-forma invoice to download (or ``proforma_current`` would
    issue one): an order awaiting payment, or one that has had invoices."""
    return booking.payment_status in PAYMENT_DUE_STATUSES or booking.proforma_invoices.exists()
