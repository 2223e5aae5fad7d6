"""Pro-forma invoices and receipts of bookings, each numbered per event in its own series
without gaps (PF-00001…, RC-00001…).

The number comes from the event's ``InvoiceSequence`` row of that kind, locked
(``select_for_update``) and incremented in the transaction that inserts the document: concurrent
issues wait for each other, and an issue that rolls back gives its number back. The unique
constraint (event, number) of each kind is the database's guard behind the lock.

A pro-forma invoice is issued when a booking is approved, and again only by an explicit action
(``proforma_reissue``, a POST of the organizer or the exhibitor) when the order changed since
the latest one; downloading never issues. A receipt is issued once per booking, when its
payment status becomes paid (``receipt_issue``, called by the payment services).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.activity import log_action
from exhibitors.enums import OWING_STATUSES, PAYABLE_STATUSES
from exhibitors.exceptions import ExhibitorsError, InvalidTransition
from exhibitors.models import (
    BoothBooking,
    ExhibitionSettings,
    InvoiceSequence,
    IssuedDocument,
    ProformaInvoice,
    Receipt,
)
from exhibitors.orders import Order, booking_order

PROFORMA = "proforma"
RECEIPT = "receipt"


class ProformaUpToDate(ExhibitorsError):
    code = "proforma_up_to_date"
    message = _("The latest pro-forma invoice already states what this booking owes.")


def next_number(*, event_id: int, kind: str, lock: bool = True) -> int:
    """The next number of the ``kind`` series of the event, taken in the caller's transaction
    (``lock=False`` skips the row lock: only for the race-control tests)."""
    InvoiceSequence.objects.get_or_create(event_id=event_id, kind=kind)
    rows = InvoiceSequence.objects.filter(event_id=event_id, kind=kind)
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


def _buyer_name(booking: BoothBooking) -> str:
    return booking.invoice_company or booking.exhibitor.name


def _document_fields(booking: BoothBooking, *, by, now, number: int) -> tuple[Order, dict]:
    """The fields every issued document copies: the seller's identity (Exhibition → Rules),
    the buyer's (the booking's invoice details), the order's lines in Vietnamese and English."""
    order, lines = _snapshot_lines(booking)
    rules = ExhibitionSettings.objects.filter(event_id=booking.event_id).first()
    return order, {
        "event_id": booking.event_id,
        "booking": booking,
        "number": number,
        "issued_at": now,
        "issued_by": by if getattr(by, "pk", None) else None,
        "seller_name": rules.seller_name if rules else "",
        "seller_address": rules.seller_address if rules else "",
        "seller_tax_code": rules.seller_tax_code if rules else "",
        "buyer_name": _buyer_name(booking),
        "buyer_address": booking.invoice_address,
        "buyer_tax_code": booking.invoice_tax_code,
        "buyer_email": booking.invoice_email,
        "lines": lines,
        "net_vnd": order.net,
        "vat_vnd": order.vat,
        "total_vnd": order.total,
        "payment_reference": booking.payment_reference,
    }


def _log_issued(document: IssuedDocument, *, action: str, by) -> None:
    log_action(
        action=action,
        obj=document,
        actor=by,
        changes={"number": [None, document.number], "total_vnd": [None, document.total_vnd]},
    )


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
        number = next_number(event_id=booking.event_id, kind=PROFORMA, lock=lock)
        _order, fields = _document_fields(booking, by=by, now=now, number=number)
        invoice = ProformaInvoice.objects.create(**fields)
        _log_issued(invoice, action="proforma.issued", by=by)
    return invoice


def proforma_latest(booking: BoothBooking) -> ProformaInvoice | None:
    """The booking's latest issued pro-forma invoice (what a download gives), or None."""
    return booking.proforma_invoices.order_by("-number").first()


def proforma_outdated(booking: BoothBooking) -> bool:
    """Whether a (re-)issue would give a new invoice: the booking owes money (awaiting or a
    deposit paid) and has no invoice yet, or its order or buyer changed since the latest."""
    if booking.payment_status not in OWING_STATUSES:
        return False
    latest = proforma_latest(booking)
    if latest is None:
        return True
    _order, lines = _snapshot_lines(booking)
    return latest.lines != lines or latest.buyer_name != _buyer_name(booking)


def proforma_reissue(*, booking: BoothBooking, by) -> ProformaInvoice:
    """The organizer or the exhibitor asks for a pro-forma invoice of what the booking owes now
    (a POST). Refuses, changing nothing, a booking that owes nothing (``InvalidTransition``)
    and one whose latest invoice is still right (``ProformaUpToDate``: no number is spent).
    Side effects: those of ``proforma_issue``, under the booking's row lock (two clicks at
    once issue one invoice)."""
    with transaction.atomic():
        booking = (
            BoothBooking.objects.select_for_update(of=("self",))
            .select_related("booth", "exhibitor", "event")
            .get(pk=booking.pk)
        )
        if booking.payment_status not in OWING_STATUSES:
            raise InvalidTransition()
        if not proforma_outdated(booking):
            raise ProformaUpToDate()
        return proforma_issue(booking=booking, by=by)


def proforma_available(booking: BoothBooking) -> bool:
    """Whether ``booking`` has a pro-forma invoice to download."""
    return booking.proforma_invoices.exists()


def receipt_issue(
    *, booking: BoothBooking, by=None, now: dt.datetime | None = None, lock: bool = True
) -> Receipt:
    """Issue the next receipt of ``booking``'s event: the order as it stands and the payments
    recorded (net of refunds). Called by the payment services in their transaction when the
    booking becomes paid; refuses a booking that is not an order (``InvalidTransition``).
    ``lock=False`` skips the sequence's row lock: only for the race-control tests.
    Side effects: locks and increments the event's receipt sequence; inserts the receipt; the
    activity entry ``receipt.issued``."""
    now = now or timezone.now()
    with transaction.atomic():
        if booking.payment_status not in PAYABLE_STATUSES:
            raise InvalidTransition()
        number = next_number(event_id=booking.event_id, kind=RECEIPT, lock=lock)
        _order, fields = _document_fields(booking, by=by, now=now, number=number)
        payments = [
            {
                "date": p.received_on.isoformat(),
                "amount": p.amount_vnd,
                "source": p.source,
                "reference": p.reference[:200],
            }
            for p in booking.payments.order_by("received_on", "pk")
        ]
        receipt = Receipt.objects.create(
            **fields, payments=payments, paid_vnd=sum(p["amount"] for p in payments)
        )
        _log_issued(receipt, action="receipt.issued", by=by)
    return receipt


def receipt_latest(booking: BoothBooking) -> Receipt | None:
    return booking.receipts.order_by("-number").first()
