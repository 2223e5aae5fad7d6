"""Reconciliation: a bank statement (CSV) read with its bank's saved format
(``BankStatementFormat``), its credit lines matched to bookings, and the organizer's decisions.

Reading (``statement_parse``) is all or nothing: a file in another encoding, a row without the
format's columns, a date or an amount that cannot be read gives translated messages (per row,
or for the file) and nothing is saved. Debit lines (a negative or empty amount) are skipped.

Matching (``statement_match``): the booking's payment reference ("FH000042") is looked for in
the description folded (no accents, upper case) and stripped of everything but letters and
digits (banks drop punctuation and may split it: "fh 000042", "FH-000042"); one booking found,
its amount is compared with what it still owes, less the earlier lines of the same statement:

- equal: ``exact``, a proposed match (confirmed one by one or all at once);
- less: ``partial``; more: ``over``; no reference (or two): ``unknown``; each needs a decision
  (record it as a payment, assign it to a booking, or ignore it).

Re-importing: each line's ``dedupe_key`` (a SHA-256 of the bank, date, amount, description and
which occurrence of that same line in the file it is) is unique in the database, so a statement
imported twice, or two statements that overlap, add only the lines not seen before, and two
genuinely identical transfers in one statement stay two lines.
"""

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.activity import log_action
from core.text import fold, nfc
from exhibitors.enums import PAYABLE_STATUSES, PaymentSource, StatementLineState, StatementMatch
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import (
    BankStatementFormat,
    BankStatementImport,
    BankStatementLine,
    BoothBooking,
    Payment,
)
from exhibitors.orders import bookings_orders
from exhibitors.services.payments import payment_record

#: Messages listed for a bad file before "and N more".
MAX_MESSAGES = 20
MAX_BYTES = 5 * 1024 * 1024
_REFERENCE = re.compile(r"FH(\d{6,})")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


class StatementInvalid(ExhibitorsError):
    """The file cannot be read with the chosen format; ``messages`` says where."""

    code = "statement_invalid"
    message = gettext_lazy("The bank statement cannot be read. Nothing was imported.")

    def __init__(self, messages: list[str]):
        super().__init__()
        self.messages = messages


class LineDecided(ExhibitorsError):
    code = "statement_line_decided"
    message = gettext_lazy("This line was already decided.")


class LineWithoutBooking(ExhibitorsError):
    code = "statement_line_without_booking"
    message = gettext_lazy("Choose the booking this payment belongs to first.")


class UnknownReference(ExhibitorsError):
    code = "unknown_payment_reference"
    message = gettext_lazy("No booking has this payment reference.")


@dataclass
class ParsedLine:
    row: int
    booked_on: dt.date
    amount: int
    description: str
    dedupe_key: str = ""
    match: str = StatementMatch.UNKNOWN
    booking_id: int | None = None
    due: int | None = None


def _amount(text: str, bank: BankStatementFormat) -> int | None:
    """Whole đồng from a cell ("5.000.000", "5,000,000.00", "+1 500 000 VND"); None when empty
    (a debit-only row); raises ValueError when it is not a number or has fractions of a đồng."""
    value = re.sub(r"(?i)\s*(vnd|vnđ|đ)\s*$", "", text.strip()).replace("\u00a0", " ")
    if not value:
        return None
    if bank.thousands_separator:
        value = value.replace(bank.thousands_separator, "")
    value = value.replace(" ", "").replace(bank.decimal_separator, ".")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(text)
    return int(number)


def _decode(data: bytes, bank: BankStatementFormat) -> str:
    try:
        return data.decode(bank.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise StatementInvalid(
            [
                _(
                    "The file is not in the encoding of the format “%(bank)s” (%(encoding)s). "
                    "Choose another encoding in its format, or save the file as UTF-8."
                )
                % {"bank": bank.name, "encoding": bank.get_encoding_display()}
            ]
        ) from exc


def _dedupe_key(bank: BankStatementFormat, line: ParsedLine, occurrence: int) -> str:
    text = f"{bank.pk}|{line.booked_on.isoformat()}|{line.amount}|{line.description}|{occurrence}"
    return hashlib.sha256(text.encode()).hexdigest()


def statement_parse(*, data: bytes, bank: BankStatementFormat) -> list[ParsedLine]:
    """The credit lines of a statement file read with ``bank``'s format, each with its dedupe
    key. Refuses the whole file (``StatementInvalid`` with the messages) when any row cannot be
    read. Side effects: none."""
    if len(data) > MAX_BYTES:
        raise StatementInvalid([_("The file is larger than 5 MB.")])
    text = _decode(data, bank)
    delimiter = "\t" if bank.delimiter == "\\t" else bank.delimiter
    needed = max(bank.date_column, bank.amount_column, bank.description_column)
    lines, errors = [], []
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise StatementInvalid(
            [_("The file is not a CSV file: %(error)s") % {"error": exc}]
        ) from exc
    for number, cells in enumerate(rows, start=1):
        if number <= bank.skip_rows or not any(cell.strip() for cell in cells):
            continue
        if len(cells) < needed:
            errors.append(
                _("Row %(row)s: %(count)s columns; the format “%(bank)s” reads column %(column)s.")
                % {"row": number, "count": len(cells), "bank": bank.name, "column": needed}
            )
            continue
        date_text = cells[bank.date_column - 1].strip()
        amount_text = cells[bank.amount_column - 1].strip()
        try:
            booked_on = dt.datetime.strptime(date_text, bank.date_format).date()
        except ValueError:
            errors.append(
                _("Row %(row)s: “%(value)s” is not a date written %(format)s.")
                % {"row": number, "value": date_text[:40], "format": bank.get_date_format_display()}
            )
            continue
        try:
            amount = _amount(amount_text, bank)
        except ValueError:
            errors.append(
                _("Row %(row)s: “%(value)s” is not an amount in whole đồng.")
                % {"row": number, "value": amount_text[:40]}
            )
            continue
        if amount is None or amount <= 0:
            continue  # a debit: money that left the account
        description = " ".join(nfc(cells[bank.description_column - 1]).split())[:500]
        lines.append(
            ParsedLine(row=number, booked_on=booked_on, amount=amount, description=description)
        )
    if errors:
        more = len(errors) - MAX_MESSAGES
        if more > 0:
            errors = [*errors[:MAX_MESSAGES], _("… and %(count)s more rows.") % {"count": more}]
        raise StatementInvalid(errors)
    seen: Counter = Counter()
    for line in lines:
        same = (line.booked_on, line.amount, line.description)
        seen[same] += 1
        line.dedupe_key = _dedupe_key(bank, line, seen[same])
    return lines


def reference_numbers(description: str) -> set[str]:
    """The booking ids written as payment references in ``description`` ("FH000042" → "42"),
    accent-, case-, space- and punctuation-blind. A reference followed by more digits (glued to
    a phone number) counts from its first six digits on."""
    compact = _NOT_ALNUM.sub("", fold(description).upper())
    return {m.group(1) for m in _REFERENCE.finditer(compact)}


def _booking_in(digits: str, index: dict[str, int]) -> int | None:
    for length in range(len(digits), 5, -1):  # the longest known reference first
        found = index.get(digits[:length])
        if found is not None:
            return found
    return None


@dataclass
class OrderIndex:
    """What the matching needs of every order: the booking by its reference's digits, and what
    each still owes (0 for a booking that owes nothing any more: cancelled, refunded, paid)."""

    by_digits: dict[str, int]
    due: dict[int, int]

    @classmethod
    def load(cls) -> "OrderIndex":
        bookings = list(
            BoothBooking.objects.exclude(payment_status="")
            .select_related("booth")
            .only(
                "pk",
                "event_id",
                "price_vnd",
                "extras",
                "payment_status",
                "booth__code",
                "booth__tier",
                "booth__width_m",
                "booth__depth_m",
            )
        )
        paid: dict[int, int] = {}
        for booking_id, amount in Payment.objects.filter(
            booking__in=[b.pk for b in bookings]
        ).values_list("booking_id", "amount_vnd"):
            paid[booking_id] = paid.get(booking_id, 0) + amount
        orders = bookings_orders(bookings)
        due = {
            b.pk: max(orders[b.pk].total - paid.get(b.pk, 0), 0)
            if b.payment_status in PAYABLE_STATUSES
            else 0
            for b in bookings
        }
        return cls(by_digits={f"{b.pk:06d}": b.pk for b in bookings}, due=due)


def statement_match(lines: list[ParsedLine], index: OrderIndex) -> None:
    """Set each line's booking, what it owed and how the amount compares (in place). Lines of
    one booking count in order: a deposit then the balance are both exact. Side effects: none."""
    remaining = dict(index.due)
    for line in lines:
        found = {
            booking
            for digits in reference_numbers(line.description)
            if (booking := _booking_in(digits, index.by_digits)) is not None
        }
        if len(found) != 1:
            line.match, line.booking_id, line.due = StatementMatch.UNKNOWN, None, None
            continue
        booking_id = found.pop()
        due = remaining[booking_id]
        line.booking_id, line.due = booking_id, due
        if line.amount == due:
            line.match = StatementMatch.EXACT
        elif line.amount < due:
            line.match = StatementMatch.PARTIAL
        else:
            line.match = StatementMatch.OVER
        remaining[booking_id] = max(due - line.amount, 0)


def statement_import(
    *, bank: BankStatementFormat, data: bytes, filename: str, by, now: dt.datetime | None = None
) -> BankStatementImport:
    """Import a bank statement file: read it (``statement_parse``: refuses a bad file, nothing
    saved), keep the lines not imported before, match them (``statement_match``).
    Side effects: inserts the import and its new lines (exact matches proposed, the rest
    pending a decision; a line already in the database is skipped by its unique dedupe key);
    the activity entry ``bank_statement.imported``. No payment is recorded before a decision.
    """
    parsed = statement_parse(data=data, bank=bank)
    now = now or timezone.now()
    with transaction.atomic():
        known = set(
            BankStatementLine.objects.filter(
                dedupe_key__in=[line.dedupe_key for line in parsed]
            ).values_list("dedupe_key", flat=True)
        )
        new = [line for line in parsed if line.dedupe_key not in known]
        statement_match(new, OrderIndex.load())
        statement = BankStatementImport.objects.create(
            bank=bank,
            filename=(filename or "")[:200],
            imported_at=now,
            imported_by=by if getattr(by, "pk", None) else None,
            lines_read=len(parsed),
        )
        BankStatementLine.objects.bulk_create(
            [
                BankStatementLine(
                    statement=statement,
                    row=line.row,
                    booked_on=line.booked_on,
                    amount_vnd=line.amount,
                    description=line.description,
                    dedupe_key=line.dedupe_key,
                    match=line.match,
                    state=StatementLineState.PROPOSED
                    if line.match == StatementMatch.EXACT
                    else StatementLineState.PENDING,
                    booking_id=line.booking_id,
                    due_vnd=line.due,
                )
                for line in new
            ],
            ignore_conflicts=True,  # the same statement imported at the same moment
        )
        statement.lines_new = statement.lines.count()
        statement.save(update_fields=["lines_new"])
        log_action(
            action="bank_statement.imported",
            obj=statement,
            actor=by,
            changes={"lines_read": [None, len(parsed)], "lines_new": [None, statement.lines_new]},
        )
    return statement


def booking_by_reference(text: str) -> BoothBooking:
    """The booking whose payment reference (or number) ``text`` is: "FH000042", "fh 42", "42".
    Refuses anything else (``UnknownReference``)."""
    compact = _NOT_ALNUM.sub("", fold(text or "").upper())
    digits = compact.removeprefix("FH")
    if not digits.isdigit() or len(digits) > 12:
        raise UnknownReference()
    booking = BoothBooking.objects.filter(pk=int(digits)).exclude(payment_status="").first()
    if booking is None:
        raise UnknownReference()
    return booking


def _decide(line: BankStatementLine, *, state: str, by, now, booking=None, reason="") -> None:
    before = (line.state, line.booking_id)
    line.state = state
    if booking is not None:
        line.booking = booking
    line.decided_at, line.decided_by = now, by if getattr(by, "pk", None) else None
    line.save(update_fields=["state", "booking", "decided_at", "decided_by"])
    log_action(
        action=f"statement_line.{state}",
        obj=line,
        actor=by,
        reason=reason,
        changes={
            k: v
            for k, v in {
                "state": [before[0], state],
                "booking": [before[1], line.booking_id],
            }.items()
            if v[0] != v[1]
        },
    )


def _lock_line(line: BankStatementLine) -> BankStatementLine:
    line = BankStatementLine.objects.select_for_update().get(pk=line.pk)
    if line.state not in (StatementLineState.PROPOSED, StatementLineState.PENDING):
        raise LineDecided()
    return line


def statement_line_confirm(
    *, line: BankStatementLine, by, booking: BoothBooking | None = None, now=None
) -> Payment:
    """Record a statement line as a payment of its booking (or of ``booking``, the organizer
    assigning it). Refuses a line already decided (``LineDecided``), one without a booking
    (``LineWithoutBooking``) and what ``payment_record`` refuses; nothing changes then.
    Side effects: locks the line; the payment (``payment_record``: the booking's status, its
    receipt when paid); the line recorded; the activity entry ``statement_line.recorded``."""
    now = now or timezone.now()
    with transaction.atomic():
        line = _lock_line(line)
        target = booking or line.booking
        if target is None:
            raise LineWithoutBooking()
        payment = payment_record(
            booking=target,
            amount_vnd=line.amount_vnd,
            by=by,
            source=PaymentSource.BANK,
            received_on=line.booked_on,
            reference=line.description,
            statement_line=line,
            now=now,
        )
        _decide(line, state=StatementLineState.RECORDED, by=by, now=now, booking=target)
    return payment


def statement_line_ignore(*, line: BankStatementLine, by, reason: str = "", now=None) -> None:
    """Set a statement line aside (not a booth fee). Refuses a line already decided.
    Side effects: locks the line; its state; the activity entry ``statement_line.ignored``."""
    now = now or timezone.now()
    with transaction.atomic():
        line = _lock_line(line)
        _decide(line, state=StatementLineState.IGNORED, by=by, now=now, reason=reason)


def statement_confirm_proposed(*, statement: BankStatementImport, by) -> tuple[int, list[str]]:
    """Record every proposed (exact) line of ``statement``, each in its own transaction: one
    that is refused (the booking was paid by hand meanwhile) stays proposed with its message.
    Returns (recorded, messages)."""
    recorded, refused = 0, []
    for line in statement.lines.filter(state=StatementLineState.PROPOSED).order_by("row"):
        try:
            statement_line_confirm(line=line, by=by)
        except ExhibitorsError as exc:
            refused.append(_("Row %(row)s: %(error)s") % {"row": line.row, "error": exc.message})
        else:
            recorded += 1
    return recorded, refused
