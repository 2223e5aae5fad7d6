"""Check-in at the door: scanning badges, undoing a check-in, lists and scanning devices.

The scan is the hot path (hundreds per minute before the opening speech): at most five SQL
queries (device, list + earlier answer for the nonce, registration + its live entry, the check-in,
the scan log), one short transaction, and the "one entry per badge per list" rule held by a
partial unique constraint in the database, not by a read-then-write in Python.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.activity import Actor, diff, log_action
from core.ratelimit import hit, parse_limit
from events.checkin import sql
from events.checkin.selectors import registration_data
from events.enums import CheckInKind, CheckInMethod, DataBasis, RegistrationStatus, ScanResult
from events.exceptions import (
    CategoryNotAvailable,
    CheckInAlreadyAnnulled,
    CheckInError,
    CheckInForbidden,
    CheckInListClosesBeforeOpening,
    CheckInListForeignCategories,
    CheckInListNotFound,
    CheckInNotFound,
    CheckInRateLimited,
    DeviceUnauthorized,
    NonceUsedElsewhere,
    WalkinCategoryNotAllowed,
    WalkinNotAllowed,
)
from events.models import (
    AttendeeCategory,
    CheckIn,
    CheckInList,
    Device,
    Event,
    Registration,
    device_token_hash,
    new_device_token,
)
from events.services.registration import registration_create

__all__ = [
    "Scanner",
    "checkin_scan",
    "checkin_scan_many",
    "checkin_annul",
    "checkin_walkin",
    "checkin_list_check",
    "checkin_list_upsert",
    "device_create",
    "device_update",
    "device_pairing_url",
    "device_rotate_token",
    "device_revoke",
    "device_authenticate",
    "device_default_expiry",
    "scanner_throttle",
    "device_token_hash",
    "printable",
    "badge_token_forms",
    "registration_for_badge",
]

#: Badge tokens are URL-safe (base32 or base64 from ``secrets``): anything else is not a badge.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DEVICE_TOKEN_RE = re.compile(r"fhd_[A-Za-z0-9_-]{20,80}")


@dataclass(frozen=True, slots=True)
class Scanner:
    """Who scans: a paired device (limited to its event) or a staff user (every event)."""

    device_id: int | None = None
    user_id: int | None = None
    #: The device's event; None for staff, who may scan at any event.
    event_id: int | None = None
    #: The hash of a device token not looked up yet: the scan's own read checks it (one query
    #: less per scan) and answers ``DeviceUnauthorized`` if no active device has it.
    token_hash: str | None = None

    @property
    def key(self) -> str:
        """The scope of nonces: a nonce is answered once per scanner."""
        if self.token_hash:
            return f"t{self.token_hash[:16]}"
        return f"d{self.device_id}" if self.device_id else f"u{self.user_id}"

    @property
    def is_device(self) -> bool:
        return self.device_id is not None or self.token_hash is not None

    def may_use(self, event_id: int) -> bool:
        return self.event_id is None or self.event_id == event_id


def printable(value: Any, limit: int = 80) -> str:
    """``value`` as text safe to store and show: no NUL or lone surrogates, at most ``limit``."""
    text = value if isinstance(value, str) else repr(value)
    if text.isprintable() and len(text) <= limit:
        # A badge token or a gate name: nothing to replace (lone surrogates are not printable).
        return text
    text = text[: limit * 2].encode("utf-8", "replace").decode("utf-8")
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)[:limit]


def _local_hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _message(result: str, *, kind: str, at=None, gate: str = "") -> str:
    if result == ScanResult.OK:
        return _("Welcome!") if kind == CheckInKind.ENTRY else _("Exit recorded.")
    if result == ScanResult.ALREADY_CHECKED_IN:
        if at and gate:
            return _("Already checked in at %(time)s (%(gate)s).") % {
                "time": _local_hhmm(at),
                "gate": gate,
            }
        if at:
            return _("Already checked in at %(time)s.") % {"time": _local_hhmm(at)}
    return str(ScanResult(result).label)


def _answer(
    result: str,
    *,
    checkin_list: CheckInList | sql.ScanList,
    kind: str,
    registration: Registration | sql.ScanRegistration | None = None,
    at=None,
    gate: str = "",
    checkin_id: int | None = None,
) -> dict:
    """The JSON answer of DESIGN.md's check-in API."""
    return {
        "status": "ok" if result == ScanResult.OK else "error",
        "reason": None if result == ScanResult.OK else str(result),
        "message": _message(result, kind=kind, at=at, gate=gate),
        "registration": registration_data(registration) if registration else None,
        "checked_in_at": timezone.localtime(at).isoformat() if at else None,
        "gate": gate,
        "checkin": checkin_id,
        "kind": str(kind),
        "list": {"id": checkin_list.pk, "name": checkin_list.name},
    }


def _badge_lookup(token, registration_id) -> tuple[str, Any, str]:
    """How the scan finds its registration: ``(column, value, what to log as scanned)``. A
    malformed token finds nothing (value None) but is still logged, made printable."""
    if registration_id is not None:
        return "id", registration_id, f"#{registration_id}"
    well_formed = isinstance(token, str) and TOKEN_RE.fullmatch(token)
    return "token", token if well_formed else None, printable(token)


def _upper_token(value) -> str | None:
    """The upper-case form of a badge token typed with lower-case letters, or None (nothing
    else to try: not a token, or upper case already)."""
    if isinstance(value, str) and (upper := value.upper()) != value:
        return upper
    return None


def badge_token_forms(code) -> tuple[str, ...]:
    """The forms in which a scanned badge ``code`` is looked up, in the door's order: as
    scanned, then in upper case (``_upper_token``); none when it is not a badge token at all
    (``TOKEN_RE``). What the door reads, for the other scanners of badges (exhibitors' leads).
    Side effects: none."""
    _column, value, _scanned = _badge_lookup(code, None)
    if value is None:
        return ()
    upper = _upper_token(value)
    return (value, upper) if upper else (value,)


def registration_for_badge(code) -> Registration | None:
    """The registration whose badge carries ``code`` (read as ``badge_token_forms`` says), of
    any event and in any status, with its event; None when no badge has it. One query at most.
    Side effects: none."""
    forms = badge_token_forms(code)
    if not forms:
        return None
    rows = Registration.objects.select_related("event").filter(token__in=forms)
    found = {registration.token: registration for registration in rows}
    return next((found[form] for form in forms if form in found), None)


def _authorized_scanner(scanner: Scanner, found: sql.ScanRow | None) -> Scanner:
    """The scanner with its device checked: a token hash must belong to an active device (the
    scan's read looked it up). Raises DeviceUnauthorized, then CheckInListNotFound (no list)
    and CheckInForbidden (a list of another event than the device's)."""
    if scanner.token_hash:
        device = found.device if found else sql.device_by_hash(scanner.token_hash)
        if device is None:
            raise DeviceUnauthorized()
        scanner = Scanner(device_id=device[0], event_id=device[1], token_hash=scanner.token_hash)
    if found is None:
        raise CheckInListNotFound()
    if not scanner.may_use(found.checkin_list.event_id):
        raise CheckInForbidden()
    return scanner


def _refusal(found: sql.ScanRow, *, scanner: Scanner, single_entry: bool, now) -> str | None:
    """The rule that refuses this scan, in the order the API documents, or None to admit."""
    registration, checkin_list = found.registration, found.checkin_list
    if registration is None:
        return ScanResult.INVALID
    if registration.event_id != checkin_list.event_id:
        # A device learns nothing about other events; staff are told.
        return ScanResult.INVALID if scanner.is_device else ScanResult.WRONG_EVENT
    if registration.status == RegistrationStatus.CANCELLED:
        return ScanResult.CANCELLED
    if registration.status != RegistrationStatus.CONFIRMED:
        return ScanResult.NOT_CONFIRMED
    if not checkin_list.is_open(now):
        return ScanResult.LIST_CLOSED
    if found.restricted and not found.admitted:
        return ScanResult.NOT_ALLOWED
    if single_entry and found.entry_at is not None:
        return ScanResult.ALREADY_CHECKED_IN
    return None


@dataclass(frozen=True, slots=True)
class _Scan:
    """One scan being answered: what was asked, by whom, and what the read found."""

    scanner: Scanner
    found: sql.ScanRow
    kind: CheckInKind
    method: str
    gate: str
    scanned: str
    nonce_key: str | None
    now: dt.datetime
    #: What the device answered offline for a queued scan (None: an online scan).
    offline_answer: str | None = None

    def answer(self, result: str, *, shown=None, at=None, gate: str = "") -> dict:
        return _answer(
            result,
            checkin_list=self.found.checkin_list,
            kind=self.kind,
            registration=shown,
            at=at,
            gate=gate,
        )


def _checkin_row(scan: _Scan, single_entry: bool) -> dict:
    return {
        "registration_id": scan.found.registration.pk,
        "list_id": scan.found.checkin_list.pk,
        "kind": scan.kind.value,
        "single_entry": single_entry,
        "method": str(scan.method),
        "now": scan.now,
        "gate": scan.gate,
        "nonce_key": scan.nonce_key,
        "user_id": scan.scanner.user_id,
        "device_id": scan.scanner.device_id,
        "offline": scan.offline_answer is not None,
    }


def _refusal_answer(scan: _Scan, result: str, *, at=None, gate: str = "") -> dict:
    registration = scan.found.registration
    own = registration is not None and registration.event_id == scan.found.checkin_list.event_id
    return scan.answer(result, shown=registration if own else None, at=at, gate=gate)


def _scan_log_row(scan: _Scan, result: str, answer: dict) -> dict:
    registration = scan.found.registration
    own = registration is not None and registration.event_id == scan.found.checkin_list.event_id
    return {
        "now": scan.now,
        "event_id": scan.found.checkin_list.event_id,
        "list_id": scan.found.checkin_list.pk,
        "registration_id": registration.pk if own else None,
        "device_id": scan.scanner.device_id,
        "user_id": scan.scanner.user_id,
        "kind": scan.kind.value,
        "method": str(scan.method),
        "gate": scan.gate,
        "result": str(result),
        "scanned": scan.scanned,
        "nonce_key": scan.nonce_key,
        "answer": answer,
        "offline": scan.offline_answer is not None,
        "conflict": scan.offline_answer == ScanResult.OK,
    }


def _refuse(scan: _Scan, result: str, *, at=None, gate: str = "") -> dict:
    """Log the refused scan with its answer and return that answer (or, when the same nonce
    was answered a moment ago by a concurrent request, that first answer)."""
    answer = _refusal_answer(scan, result, at=at, gate=gate)
    try:
        sql.insert_scan_log(**_scan_log_row(scan, result, answer))
    except IntegrityError:  # the same nonce, sent twice at the same instant: first one wins
        if scan.nonce_key and (stored := sql.stored_answer(scan.nonce_key)) is not None:
            return stored
        raise
    return answer


def _admit(scan: _Scan, *, single_entry: bool) -> dict:
    """Record the entry (or exit) and return the welcome; if a concurrent scanner admitted the
    badge a moment ago (the unique entry constraint), answer ``already_checked_in``."""
    registration, checkin_list = scan.found.registration, scan.found.checkin_list
    answer = scan.answer(ScanResult.OK, shown=registration, at=scan.now, gate=scan.gate)
    try:
        answer["checkin"] = sql.insert_checkin(**_checkin_row(scan, single_entry), answer=answer)
    except IntegrityError:
        if scan.nonce_key and (stored := sql.stored_answer(scan.nonce_key)) is not None:
            return stored  # this very nonce was just answered by a concurrent request
        first = (
            CheckIn.objects.filter(
                registration_id=registration.pk,
                checkin_list_id=checkin_list.pk,
                single_entry=True,
                annulled_at__isnull=True,
            )
            .values_list("created_at", "gate")
            .first()
        )
        if first is None:
            raise
        return _refuse(scan, ScanResult.ALREADY_CHECKED_IN, at=first[0], gate=first[1])
    return answer


def checkin_scan(
    *,
    scanner: Scanner,
    list_id: int,
    token: str | None = None,
    registration_id: int | None = None,
    kind: str = CheckInKind.ENTRY,
    gate: str = "",
    nonce: str = "",
    method: str = CheckInMethod.SCAN,
    now=None,
    offline_answer: str | None = None,
) -> dict:
    """Admit (or let out) the badge ``token`` (or the registration ``registration_id``, found by
    search) on the check-in list ``list_id``, and return the API answer.

    Rules (``_refusal``, in this order): an unknown or malformed token is ``invalid``; a badge of
    another event is ``wrong_event`` for staff and ``invalid`` for a device (a device learns
    nothing about other events); then ``cancelled``, ``not_confirmed``, ``list_closed``,
    ``not_allowed`` (category not on the list), ``already_checked_in`` (entry on a list without
    re-entry: the partial unique constraint ``one_entry_per_badge_per_list`` decides between
    concurrent scanners). The same ``nonce`` from the same scanner returns the first answer,
    whatever it was.

    ``offline_answer``: for a scan a device decided offline and uploads now
    (``sync.checkin_batch``), the answer it showed then; the row written is marked ``offline``,
    and a refused scan that the device had admitted is marked as a ``conflict``.

    Raises ``DeviceUnauthorized`` (a token hash of no active device), ``CheckInListNotFound``
    (no such list) and ``CheckInForbidden`` (list of another event than the device's).

    Side effects: one ``CheckIn`` row (with its answer) on success, or one ``ScanLog`` row (with
    its answer) for a failed scan; nothing else, whatever the input. Two SQL statements: one
    read (which also checks a device given by its token hash), one insert, each its own
    transaction.
    """
    kind = CheckInKind(kind)
    nonce_key = f"{scanner.key}:{nonce}" if nonce else None
    lookup, value, scanned = _badge_lookup(token, registration_id)
    read = functools.partial(
        sql.read_scan,
        list_id=list_id,
        lookup=lookup,
        nonce_key=nonce_key,
        token_hash=scanner.token_hash,
    )
    found = read(value=value)
    if found is not None and found.registration is None and (upper := _upper_token(value)):
        # A badge's code is upper-case base32: a USB scanner with Caps Lock, or a guest typing
        # it, sends it in lower case. Tried as typed first (a read of its own for such scans).
        found = read(value=upper)
    scanner = _authorized_scanner(scanner, found)
    if found.prior is not None:
        return found.prior
    scan = _Scan(
        scanner=scanner,
        found=found,
        kind=kind,
        method=method,
        gate=gate,
        scanned=scanned,
        nonce_key=nonce_key,
        now=now or timezone.now(),
        offline_answer=offline_answer,
    )
    single_entry = kind == CheckInKind.ENTRY and not found.checkin_list.allow_reentry
    result = _refusal(found, scanner=scanner, single_entry=single_entry, now=scan.now)
    if result == ScanResult.ALREADY_CHECKED_IN:
        return _refuse(scan, result, at=found.entry_at, gate=found.entry_gate)
    if result is not None:
        return _refuse(scan, result)
    return _admit(scan, single_entry=single_entry)


def checkin_scan_many(*, scanner: Scanner, scans: list[dict]) -> list[dict | CheckInError]:
    """Answer ``scans`` (each a dict of ``checkin_scan``'s keyword arguments but ``scanner``:
    ``list_id``, ``token`` or ``registration_id``, ``kind``, ``gate``, ``nonce``, ``method``,
    ``now``, ``offline_answer``) in the order given, with the answers and rows that calling
    ``checkin_scan`` for each in turn would give. A scan of no such list, or of a list of
    another event, gets its ``CheckInListNotFound`` or ``CheckInForbidden`` in its place.

    Set-based: the scans' lists, badges, earlier answers of their nonces and live entries are
    read in a few queries, the rules (``_refusal``) applied in order in Python (a badge
    admitted by an earlier scan of the batch is already checked in for a later one), then the
    check-ins and scan log rows are inserted in two statements, in one transaction. If a
    concurrent scanner wrote a row that one of them collides with (the one-entry constraint,
    a nonce) the transaction is rolled back and the scans are answered one by one by
    ``checkin_scan``, which settles each collision as at the door.

    Raises ``DeviceUnauthorized`` (a token hash of no active device). Side effects: one
    ``CheckIn`` row per admitted scan and one ``ScanLog`` row per refused one, none for a scan
    whose nonce was answered before.
    """
    if not scans:
        return []
    try:
        with transaction.atomic():
            return _scan_many_at_once(scanner, scans)
    except IntegrityError:
        # A concurrent scanner wrote a row one of ours collides with: rolled back, and each
        # collision settled as at the door.
        pass
    answers: list[dict | CheckInError] = []
    for options in scans:
        try:
            answers.append(checkin_scan(scanner=scanner, **options))
        except (CheckInListNotFound, CheckInForbidden) as error:
            answers.append(error)
    return answers


def _scan_many_at_once(scanner: Scanner, scans: list[dict]) -> list[dict | CheckInError]:
    if scanner.token_hash:
        device = sql.device_by_hash(scanner.token_hash)
        if device is None:
            raise DeviceUnauthorized()
        scanner = Scanner(device_id=device[0], event_id=device[1], token_hash=scanner.token_hash)
    lookups = [_badge_lookup(o.get("token"), o.get("registration_id")) for o in scans]
    nonce_keys = [f"{scanner.key}:{o['nonce']}" if o.get("nonce") else None for o in scans]
    found = sql.read_batch(
        list_ids={o["list_id"] for o in scans},
        tokens={
            candidate
            for column, value, _scanned in lookups
            if column == "token" and value is not None
            for candidate in (value, _upper_token(value))
            if candidate
        },
        registration_ids={value for column, value, _scanned in lookups if column == "id"},
        nonce_keys={key for key in nonce_keys if key},
    )
    answers: list[dict | CheckInError] = []
    answered: dict[str, dict] = {}  # nonce key -> its answer, for a nonce sent twice in a batch
    checkins: list[dict] = []  # rows to insert, each with its answer
    refused: list[dict] = []
    for options, lookup, nonce_key in zip(scans, lookups, nonce_keys, strict=True):
        column, value, scanned = lookup
        checkin_list = found.lists.get(options["list_id"])
        if checkin_list is None:
            answers.append(CheckInListNotFound())
            continue
        if not scanner.may_use(checkin_list.event_id):
            answers.append(CheckInForbidden())
            continue
        prior = found.answers.get(nonce_key) or answered.get(nonce_key)
        if prior is not None:
            answers.append(prior)
            continue
        if column == "id":
            registration = found.by_id.get(value)
        else:
            registration = found.by_token.get(value) or found.by_token.get(_upper_token(value))
        entry = found.entries.get((registration.pk, checkin_list.pk)) if registration else None
        scan = _Scan(
            scanner=scanner,
            found=sql.ScanRow(
                checkin_list=checkin_list,
                restricted=checkin_list.pk in found.admitted,
                prior=None,
                registration=registration,
                admitted=bool(registration)
                and registration.category.pk in found.admitted.get(checkin_list.pk, ()),
                entry_at=entry[0] if entry else None,
                entry_gate=entry[1] if entry else "",
                device=None,
            ),
            kind=CheckInKind(options.get("kind", CheckInKind.ENTRY)),
            method=options.get("method", CheckInMethod.SCAN),
            gate=options.get("gate", ""),
            scanned=scanned,
            nonce_key=nonce_key,
            now=options.get("now") or timezone.now(),
            offline_answer=options.get("offline_answer"),
        )
        single_entry = scan.kind == CheckInKind.ENTRY and not checkin_list.allow_reentry
        result = _refusal(scan.found, scanner=scanner, single_entry=single_entry, now=scan.now)
        if result is None:
            answer = scan.answer(ScanResult.OK, shown=registration, at=scan.now, gate=scan.gate)
            checkins.append({**_checkin_row(scan, single_entry), "answer": answer})
            if scan.kind == CheckInKind.ENTRY and entry is None:
                found.entries[(registration.pk, checkin_list.pk)] = (scan.now, scan.gate)
        else:
            already = result == ScanResult.ALREADY_CHECKED_IN
            answer = _refusal_answer(
                scan, result, at=entry[0] if already else None, gate=entry[1] if already else ""
            )
            refused.append(_scan_log_row(scan, result, answer))
        answers.append(answer)
        if nonce_key:
            answered[nonce_key] = answer
    # Stored without their ids, as at the door (a replay adds the row's id).
    for row, checkin_id in zip(checkins, sql.insert_checkins(checkins), strict=True):
        row["answer"]["checkin"] = checkin_id
    sql.insert_scan_logs(refused)
    return answers


def _actor(scanner: Scanner) -> Actor:
    """The scanner as the activity log's actor: the device (with its name), or the staff user.
    One query: for the rarer calls (undo, walk-in), never the scan."""
    if scanner.is_device:
        name = Device.objects.filter(pk=scanner.device_id).values_list("name", flat=True).first()
        return Actor.device(scanner.device_id, name or "")
    return Actor.user_by_id(scanner.user_id)


@transaction.atomic
def checkin_annul(*, checkin_id: int, scanner: Scanner, reason: str, now=None) -> CheckIn:
    """Undo a check-in (a scan by mistake, the wrong badge): the row is stamped as annulled with
    who, when and why, never deleted; the badge may then enter the list again.

    Raises ``CheckInNotFound``, ``CheckInForbidden`` (another event than the device's) and
    ``CheckInAlreadyAnnulled``. Side effects: updates the annulment fields of that one row
    (locked with ``select_for_update`` so two undos cannot both succeed); the activity entry
    ``checkin.annulled`` by the scanner with the reason.
    """
    checkin = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("checkin_list", "registration")
        .filter(pk=checkin_id)
        .first()
    )
    if checkin is None:
        raise CheckInNotFound()
    if not scanner.may_use(checkin.checkin_list.event_id):
        raise CheckInForbidden()
    if checkin.annulled_at is not None:
        raise CheckInAlreadyAnnulled()
    checkin.annulled_at = now or timezone.now()
    checkin.annulled_by_user_id = scanner.user_id
    checkin.annulled_by_device_id = scanner.device_id
    checkin.annul_reason = printable(reason.strip(), 200)
    checkin.save(
        update_fields=["annulled_at", "annulled_by_user", "annulled_by_device", "annul_reason"]
    )
    log_action(
        action="checkin.annulled",
        obj=checkin,
        actor=_actor(scanner),
        reason=checkin.annul_reason,
        changes={"annulled_at": [None, checkin.annulled_at]},
        event_id=checkin.checkin_list.event_id,
    )
    return checkin


def checkin_list_check(*, event: Event, categories, opens_at=None, closes_at=None) -> None:
    """A list admits only categories of its own event, and closes after it opens. Raises
    CheckInListForeignCategories (naming the others) or CheckInListClosesBeforeOpening (the
    database's constraint ``checkin_list_closes_after_opening`` holds it too). Side effects:
    none."""
    strangers = [category.name for category in categories if category.event_id != event.pk]
    if strangers:
        raise CheckInListForeignCategories(strangers)
    if opens_at and closes_at and closes_at <= opens_at:
        raise CheckInListClosesBeforeOpening()


@transaction.atomic
def checkin_list_upsert(
    *,
    event: Event,
    name: str,
    categories: list[AttendeeCategory] | None = None,
    allow_reentry: bool = False,
    opens_at=None,
    closes_at=None,
    gates: str = "",
    sort_order: int = 0,
    counts_for_certificate: bool = False,
    by=None,
) -> tuple[CheckInList, bool]:
    """Create the list ``name`` of ``event`` with these settings, or return the existing one
    unchanged. Returns ``(list, created)``. Raises CheckInListForeignCategories (a category of
    another event) or CheckInListClosesBeforeOpening, and then writes nothing.
    Side effects: the row and its category links; when created, the activity entry
    ``checkin_list.created`` by ``by``."""
    checkin_list_check(
        event=event, categories=categories or [], opens_at=opens_at, closes_at=closes_at
    )
    checkin_list, created = CheckInList.objects.get_or_create(
        event=event,
        name=name,
        defaults={
            "allow_reentry": allow_reentry,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "gates": gates,
            "sort_order": sort_order,
            "counts_for_certificate": counts_for_certificate,
        },
    )
    if created and categories:
        checkin_list.categories.set(categories)
    if created:
        log_action(action="checkin_list.created", obj=checkin_list, actor=by)
    return checkin_list, created


def device_default_expiry(event: Event) -> dt.datetime:
    """When a new device of ``event`` stops working: ``CHECKIN_DEVICE_LIFETIME_HOURS`` (a day)
    after the event ends."""
    ends_at = event.ends_at
    if isinstance(ends_at, str):  # an event just saved from text (event_upsert accepts ISO text)
        ends_at = parse_datetime(ends_at)
    expires_at = ends_at + dt.timedelta(hours=settings.CHECKIN_DEVICE_LIFETIME_HOURS)
    # To the minute, as the admin's form shows and saves it back.
    return expires_at.replace(second=0, microsecond=0)


@transaction.atomic
def device_create(
    *,
    event: Event,
    name: str,
    created_by=None,
    may_register_walkins: bool = False,
    expires_at: dt.datetime | None = None,
    kiosk: bool = False,
    kiosk_lists=(),
) -> tuple[Device, str]:
    """Create a scanning device for ``event``, working until ``expires_at`` (by default
    ``device_default_expiry``); it registers walk-ins only if ``may_register_walkins``; a
    ``kiosk`` is a self check-in kiosk on ``kiosk_lists`` (empty: every list). Returns
    the device and its secret token, which is shown once (in the pairing link) and stored only
    as a SHA-256 hash. Side effects: the row; the activity entry ``device.created`` by
    ``created_by``."""
    token = new_device_token()
    device = Device.objects.create(
        event=event,
        name=name,
        token_hash=device_token_hash(token),
        token_hint=token[:8],
        created_by=created_by,
        may_register_walkins=may_register_walkins,
        expires_at=expires_at or device_default_expiry(event),
        kiosk=kiosk,
    )
    if kiosk_lists:
        device.kiosk_lists.set(kiosk_lists)
    log_action(action="device.created", obj=device, actor=created_by)
    return device, token


@transaction.atomic
def device_update(*, device: Device, by=None, **fields) -> Device:
    """Change ``device``'s ``name``, ``event``, ``may_register_walkins``, ``expires_at``,
    ``kiosk`` (a self check-in kiosk) or ``kiosk_lists`` (the lists it checks guests in to).
    Side effects: the row; if anything changed, the activity entry ``device.updated`` by
    ``by``."""
    editable = ("name", "event", "may_register_walkins", "expires_at", "kiosk", "kiosk_lists")
    unknown = set(fields) - set(editable)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")

    def state() -> dict:
        return {
            "name": device.name,
            "event": device.event_id,
            "may_register_walkins": device.may_register_walkins,
            "kiosk": device.kiosk,
            "kiosk_lists": sorted(device.kiosk_lists.values_list("pk", flat=True)),
            "expires_at": timezone.localtime(device.expires_at).isoformat()
            if device.expires_at
            else None,
        }

    before = state()
    lists = fields.pop("kiosk_lists", None)
    for name, value in fields.items():
        setattr(device, name, value)
    if fields:
        device.save(update_fields=list(fields))
    if lists is not None:
        device.kiosk_lists.set(lists)
    if changes := diff(before, state()):
        log_action(action="device.updated", obj=device, actor=by, changes=changes)
    return device


def device_pairing_url(token: str) -> str:
    """The link that opens the scanner signed in as the device. The token travels in the
    fragment, which browsers never send to a server (nor write in its logs). The scanner opens in
    the site's first language whatever language is active where the link is made (a command, an
    English admin page). Side effects: none."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("events:checkin_pair")
    return f"{settings.BASE_URL.rstrip('/')}{path}#{token}"


@transaction.atomic
def device_rotate_token(*, device: Device, by=None, reason: str = "") -> str:
    """Give ``device`` a new token (a new pairing link); the old token stops working at once.
    A revoked device becomes active again. Side effects: the row's hash, hint and revocation;
    the activity entry ``device.token_rotated`` by ``by`` (the hints, never the tokens)."""
    token = new_device_token()
    changes = {"token_hint": [device.token_hint, token[:8]]}
    if device.revoked_at is not None:
        changes["revoked_at"] = [device.revoked_at, None]
    device.token_hash = device_token_hash(token)
    device.token_hint = token[:8]
    device.revoked_at = None
    device.save(update_fields=["token_hash", "token_hint", "revoked_at"])
    log_action(action="device.token_rotated", obj=device, actor=by, reason=reason, changes=changes)
    return token


@transaction.atomic
def device_revoke(*, device: Device, now=None, by=None, reason: str = "") -> Device:
    """Revoke ``device``: its very next request is refused (401). Side effects: the row; the
    activity entry ``device.revoked`` by ``by`` (none if it was revoked already)."""
    if device.revoked_at is None:
        device.revoked_at = now or timezone.now()
        device.save(update_fields=["revoked_at"])
        changes = {"revoked_at": [None, device.revoked_at]}
        log_action(action="device.revoked", obj=device, actor=by, reason=reason, changes=changes)
    return device


def device_authenticate(*, token: str, now=None) -> Scanner | None:
    """The scanner for a device ``token``, or None if it is unknown, malformed, revoked or
    expired. One indexed read on the unique hash (checked on every request: revocation is
    immediate). Side effects: the device's ``last_used_at``, at most once a minute (scans are
    not counted here: their check-ins and scan log rows show the device's use)."""
    if not isinstance(token, str) or not DEVICE_TOKEN_RE.fullmatch(token):
        return None
    token_hash = device_token_hash(token)
    found = sql.device_by_hash(token_hash)
    if found is None:
        return None
    now = now or timezone.now()
    Device.objects.filter(pk=found[0]).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - dt.timedelta(minutes=1))
    ).update(last_used_at=now)
    # With its token hash, the scanner's nonces have the same scope on every endpoint.
    return Scanner(device_id=found[0], event_id=found[1], token_hash=token_hash)


def scanner_throttle(*, scanner: Scanner, scope: str, limit: str) -> None:
    """Count one request of ``scope`` by ``scanner`` (a device, or a staff user) against
    ``limit`` ("hits/seconds", shared by every worker and server: core.ratelimit). Raises
    ``CheckInRateLimited`` (with the seconds to wait) when over it. Side effects: the counter;
    when refused, the device's ``throttled_count`` goes up by one."""
    hits, window = parse_limit(limit)
    client = f"d{scanner.device_id}" if scanner.device_id else f"u{scanner.user_id}"
    retry_after = hit(scope=f"checkin-{scope}", client=client, limit=hits, window=window)
    if retry_after:
        if scanner.device_id:
            Device.objects.filter(pk=scanner.device_id).update(
                throttled_count=F("throttled_count") + 1
            )
        raise CheckInRateLimited(retry_after)


def _walkin_category(scanner: Scanner, checkin_list: CheckInList, category_id) -> AttendeeCategory:
    """The category a walk-in may join: of the list's event, public and admitted by the list.
    A device must be allowed to register walk-ins at all. Raises WalkinNotAllowed,
    CategoryNotAvailable or WalkinCategoryNotAllowed."""
    if (
        scanner.device_id
        and not Device.objects.filter(pk=scanner.device_id, may_register_walkins=True).exists()
    ):
        raise WalkinNotAllowed()
    category = AttendeeCategory.objects.filter(
        pk=category_id, event_id=checkin_list.event_id
    ).first()
    if category is None:
        raise CategoryNotAvailable()
    admitted = set(checkin_list.categories.values_list("pk", flat=True))
    if not category.is_public or (admitted and category.pk not in admitted):
        raise WalkinCategoryNotAllowed()
    return category


def checkin_walkin(
    *,
    scanner: Scanner,
    list_id: int,
    category_id: int,
    full_name: str,
    email: str,
    phone: str = "",
    organization: str = "",
    title: str = "",
    language: str = "vi",
    gate: str = "",
    nonce: str = "",
    created_by=None,
    answers: dict | None = None,
) -> tuple[Registration, dict | None]:
    """Register a guest at the door (the registration service's trusted path: no email
    confirmation, the seat decided at once) and, if the seat is confirmed, check them in on the
    list. Returns the registration and the check-in answer (None when waitlisted or waiting for
    approval).

    Rules: a device must be allowed to register walk-ins (``Device.may_register_walkins``,
    off by default); the category must be of the list's event, public and admitted by the list;
    a scanner registers at most ``CHECKIN_WALKIN_RATE_LIMIT`` walk-ins (20 an hour); the
    event's required questions (of the guest's category) must be answered (``answers``, keyed
    by the question's key; the optional ones may be too).

    Raises ``CheckInListNotFound``, ``CheckInForbidden``, ``WalkinNotAllowed``,
    ``CategoryNotAvailable`` (no such category at this event), ``WalkinCategoryNotAllowed``
    (invitation-only or not on the list), ``CheckInRateLimited``, ``NonceUsedElsewhere`` (the
    nonce was spent on a scan of no known badge) and the errors of ``registration_create``
    (already registered, bad details). The same ``nonce`` from the same scanner answers the
    first walk-in's check-in again (not counted against the limit).
    Side effects: those of ``registration_create`` (the row, recording the device that made it,
    the badge email after commit; its activity entry ``registration.created`` by the scanner,
    reason "walk-in") and of ``checkin_scan``; the limit's counter.
    """
    checkin_list = CheckInList.objects.select_related("event").filter(pk=list_id).first()
    if checkin_list is None:
        raise CheckInListNotFound()
    if not scanner.may_use(checkin_list.event_id):
        raise CheckInForbidden()
    if nonce and (answer := sql.stored_answer(f"{scanner.key}:{nonce}")) is not None:
        # The same walk-in sent again (a retry after a lost answer): its first answer. A nonce
        # first spent on a scan of no known badge (or on a guest since deleted) is no walk-in.
        registration_id = (answer.get("registration") or {}).get("id")
        registration = Registration.objects.filter(pk=registration_id).first()
        if registration is None:
            raise NonceUsedElsewhere()
        return registration, answer
    category = _walkin_category(scanner, checkin_list, category_id)
    scanner_throttle(scanner=scanner, scope="walkin", limit=settings.CHECKIN_WALKIN_RATE_LIMIT)
    registration = registration_create(
        event=checkin_list.event,
        category=category,
        full_name=full_name,
        email=email,
        phone=phone,
        organization=organization,
        title=title,
        language=language,
        skip_email_confirmation=True,
        created_by=created_by,
        by=_actor(scanner),
        reason=f"walk-in · {checkin_list.name}",
        created_by_device_id=scanner.device_id,
        basis=DataBasis.WALKIN,
        answers=answers or {},
    )
    if registration.status != RegistrationStatus.CONFIRMED:
        return registration, None
    answer = checkin_scan(
        scanner=scanner,
        list_id=checkin_list.pk,
        registration_id=registration.pk,
        gate=gate,
        nonce=nonce,
        method=CheckInMethod.WALKIN,
    )
    return registration, answer
