"""Check-in at the door: scanning badges, undoing a check-in, lists and scanning devices.

The scan is the hot path (hundreds per minute before the opening speech): at most five SQL
queries (device, list + earlier answer for the nonce, registration + its live entry, the check-in,
the scan log), one short transaction, and the "one entry per badge per list" rule held by a
partial unique constraint in the database, not by a read-then-write in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from events.enums import CheckInKind, CheckInMethod, RegistrationStatus, ScanResult
from events.exceptions import (
    CheckInAlreadyAnnulled,
    CheckInForbidden,
    CheckInListNotFound,
    CheckInNotFound,
)
from events.models import (
    AttendeeCategory,
    CheckIn,
    CheckInList,
    Device,
    Event,
    Registration,
    ScanLog,
    device_token_hash,
    new_device_token,
)

__all__ = [
    "Scanner",
    "checkin_scan",
    "checkin_annul",
    "checkin_list_upsert",
    "device_create",
    "device_rotate_token",
    "device_revoke",
    "device_authenticate",
    "printable",
]

#: Badge tokens are URL-safe base64 (``secrets.token_urlsafe``): anything else is not a badge.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DEVICE_TOKEN_RE = re.compile(r"fhd_[A-Za-z0-9_-]{20,80}")
_CategoryLink = CheckInList.categories.through


@dataclass(frozen=True, slots=True)
class Scanner:
    """Who scans: a paired device (limited to its event) or a staff user (every event)."""

    device_id: int | None = None
    user_id: int | None = None
    #: The device's event; None for staff, who may scan at any event.
    event_id: int | None = None

    @property
    def key(self) -> str:
        return f"d{self.device_id}" if self.device_id else f"u{self.user_id}"

    @property
    def is_device(self) -> bool:
        return self.device_id is not None

    def may_use(self, event_id: int) -> bool:
        return self.event_id is None or self.event_id == event_id


def printable(value: Any, limit: int = 80) -> str:
    """``value`` as text safe to store and show: no NUL or lone surrogates, at most ``limit``."""
    text = value if isinstance(value, str) else repr(value)
    text = text[: limit * 2].encode("utf-8", "replace").decode("utf-8")
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)[:limit]


def _local_hhmm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _registration_data(registration: Registration | None) -> dict | None:
    if registration is None:
        return None
    category = registration.category
    return {
        "id": registration.pk,
        "full_name": registration.full_name,
        "organization": registration.organization,
        "title": registration.title,
        "status": registration.status,
        "category": {"id": category.pk, "name": category.name, "colour": category.badge_colour},
    }


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
    checkin_list: CheckInList,
    kind: str,
    registration: Registration | None = None,
    at=None,
    gate: str = "",
    checkin_id: int | None = None,
) -> dict:
    """The JSON answer of DESIGN.md's check-in API."""
    return {
        "status": "ok" if result == ScanResult.OK else "error",
        "reason": None if result == ScanResult.OK else str(result),
        "message": _message(result, kind=kind, at=at, gate=gate),
        "registration": _registration_data(registration),
        "checked_in_at": timezone.localtime(at).isoformat() if at else None,
        "gate": gate,
        "checkin": checkin_id,
        "kind": kind,
        "list": {"id": checkin_list.pk, "name": checkin_list.name},
    }


def _stored_answer(nonce_key: str) -> dict | None:
    return ScanLog.objects.filter(nonce_key=nonce_key).values_list("response", flat=True).first()


def _log(
    answer: dict,
    *,
    scanner: Scanner,
    checkin_list: CheckInList,
    registration_id: int | None,
    kind: str,
    method: str,
    gate: str,
    scanned: str,
    nonce_key: str | None,
    now,
) -> dict:
    """Keep a failed scan in the log; return the answer (or the first one for a reused nonce)."""
    try:
        with transaction.atomic():
            ScanLog.objects.create(
                created_at=now,
                event_id=checkin_list.event_id,
                checkin_list=checkin_list,
                registration_id=registration_id,
                device_id=scanner.device_id,
                user_id=scanner.user_id,
                kind=kind,
                method=method,
                gate=gate,
                result=answer["reason"] or ScanResult.OK,
                scanned=scanned,
                nonce_key=nonce_key,
                response=answer,
            )
    except IntegrityError:  # the same nonce, sent twice at the same instant: the first one wins
        stored = _stored_answer(nonce_key) if nonce_key else None
        if stored is None:
            raise
        return stored
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
) -> dict:
    """Admit (or let out) the badge ``token`` (or the registration ``registration_id``, found by
    search) on the check-in list ``list_id``, and return the API answer.

    Rules: an unknown or malformed token is ``invalid``; a badge of another event is
    ``wrong_event`` for staff and ``invalid`` for a device (a device learns nothing about other
    events); then ``cancelled``, ``not_confirmed``, ``list_closed``, ``not_allowed`` (category not
    on the list), ``already_checked_in`` (entry on a list without re-entry: the partial unique
    constraint ``one_entry_per_badge_per_list`` decides between concurrent scanners).
    The same ``nonce`` from the same scanner returns the first answer, whatever it was.

    Raises ``CheckInListNotFound`` (no such list) and ``CheckInForbidden`` (list of another event
    than the device's).

    Side effects: one ``CheckIn`` row on success; one ``ScanLog`` row for every scan (with the
    answer). Nothing else is written, whatever the input.
    """
    now = now or timezone.now()
    kind = CheckInKind(kind)
    nonce_key = f"{scanner.key}:{nonce}" if nonce else None

    # Query 1: the list, whether it restricts categories, and the earlier answer for this nonce.
    lists = CheckInList.objects.filter(pk=list_id).annotate(
        restricted=Exists(_CategoryLink.objects.filter(checkinlist_id=OuterRef("pk")))
    )
    if nonce_key:
        lists = lists.annotate(
            prior=Subquery(
                ScanLog.objects.filter(nonce_key=nonce_key).values("response")[:1],
                output_field=models.JSONField(),
            )
        )
    checkin_list = next(iter(lists.order_by()[:1]), None)
    if checkin_list is None:
        raise CheckInListNotFound()
    if not scanner.may_use(checkin_list.event_id):
        raise CheckInForbidden()
    if nonce_key and checkin_list.prior is not None:
        return checkin_list.prior

    single_entry = kind == CheckInKind.ENTRY and not checkin_list.allow_reentry
    scanned = printable(token if registration_id is None else f"#{registration_id}")
    registration = None
    if registration_id is not None or (isinstance(token, str) and TOKEN_RE.fullmatch(token)):
        # Query 2: the registration, whether its category is admitted, its live entry if any.
        registrations = Registration.objects.select_related("category").annotate(
            admitted=Exists(
                _CategoryLink.objects.filter(
                    checkinlist_id=checkin_list.pk, attendeecategory_id=OuterRef("category_id")
                )
            )
        )
        if single_entry:
            live = CheckIn.objects.filter(
                registration=OuterRef("pk"),
                checkin_list_id=checkin_list.pk,
                single_entry=True,
                annulled_at__isnull=True,
            )
            registrations = registrations.annotate(
                entry_at=Subquery(live.values("created_at")[:1]),
                entry_gate=Subquery(live.values("gate")[:1]),
            )
        if registration_id is not None:
            registrations = registrations.filter(pk=registration_id)
        else:
            registrations = registrations.filter(token=token)
        registration = next(iter(registrations.order_by()[:1]), None)

    def finish(result: str, *, shown: Registration | None = registration, at=None, gate_=""):
        answer = _answer(
            result, checkin_list=checkin_list, kind=kind, registration=shown, at=at, gate=gate_
        )
        return _log(
            answer,
            scanner=scanner,
            checkin_list=checkin_list,
            registration_id=(
                registration.pk
                if registration and registration.event_id == checkin_list.event_id
                else None
            ),
            kind=kind,
            method=method,
            gate=gate,
            scanned=scanned,
            nonce_key=nonce_key,
            now=now,
        )

    if registration is None:
        return finish(ScanResult.INVALID)
    if registration.event_id != checkin_list.event_id:
        if scanner.is_device:
            return finish(ScanResult.INVALID, shown=None)
        return finish(ScanResult.WRONG_EVENT, shown=None)
    if registration.status == RegistrationStatus.CANCELLED:
        return finish(ScanResult.CANCELLED)
    if registration.status != RegistrationStatus.CONFIRMED:
        return finish(ScanResult.NOT_CONFIRMED)
    if not checkin_list.is_open(now):
        return finish(ScanResult.LIST_CLOSED)
    if checkin_list.restricted and not registration.admitted:
        return finish(ScanResult.NOT_ALLOWED)
    if single_entry and registration.entry_at is not None:
        return finish(
            ScanResult.ALREADY_CHECKED_IN, at=registration.entry_at, gate_=registration.entry_gate
        )

    try:
        # Queries 3 and 4, in one short transaction.
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                registration=registration,
                checkin_list=checkin_list,
                kind=kind,
                single_entry=single_entry,
                method=method,
                created_at=now,
                gate=gate,
                nonce=nonce,
                by_user_id=scanner.user_id,
                by_device_id=scanner.device_id,
            )
            answer = _answer(
                ScanResult.OK,
                checkin_list=checkin_list,
                kind=kind,
                registration=registration,
                at=now,
                gate=gate,
                checkin_id=checkin.pk,
            )
            ScanLog.objects.create(
                created_at=now,
                event_id=checkin_list.event_id,
                checkin_list=checkin_list,
                registration=registration,
                checkin=checkin,
                device_id=scanner.device_id,
                user_id=scanner.user_id,
                kind=kind,
                method=method,
                gate=gate,
                result=ScanResult.OK,
                scanned=scanned,
                nonce_key=nonce_key,
                response=answer,
            )
        return answer
    except IntegrityError:
        # Either another scanner admitted this badge a moment ago (the unique entry constraint)
        # or this very nonce was just answered by a concurrent request.
        if nonce_key and (stored := _stored_answer(nonce_key)) is not None:
            return stored
        first = (
            CheckIn.objects.filter(
                registration=registration,
                checkin_list=checkin_list,
                single_entry=True,
                annulled_at__isnull=True,
            )
            .values_list("created_at", "gate")
            .first()
        )
        if first is None:
            raise
        return finish(ScanResult.ALREADY_CHECKED_IN, at=first[0], gate_=first[1])


@transaction.atomic
def checkin_annul(*, checkin_id: int, scanner: Scanner, reason: str, now=None) -> CheckIn:
    """Undo a check-in (a scan by mistake, the wrong badge): the row is stamped as annulled with
    who, when and why, never deleted; the badge may then enter the list again.

    Raises ``CheckInNotFound``, ``CheckInForbidden`` (another event than the device's) and
    ``CheckInAlreadyAnnulled``. Side effects: updates the annulment fields of that one row
    (locked with ``select_for_update`` so two undos cannot both succeed).
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
    return checkin


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
) -> tuple[CheckInList, bool]:
    """Create the list ``name`` of ``event`` with these settings, or return the existing one
    unchanged. Returns ``(list, created)``. Side effects: the row and its category links."""
    checkin_list, created = CheckInList.objects.get_or_create(
        event=event,
        name=name,
        defaults={
            "allow_reentry": allow_reentry,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "gates": gates,
            "sort_order": sort_order,
        },
    )
    if created and categories:
        checkin_list.categories.set(categories)
    return checkin_list, created


def device_create(*, event: Event, name: str, created_by=None) -> tuple[Device, str]:
    """Create a scanning device for ``event``. Returns the device and its secret token, which is
    shown once (in the pairing link) and stored only as a SHA-256 hash.
    Side effects: the row."""
    token = new_device_token()
    device = Device.objects.create(
        event=event,
        name=name,
        token_hash=device_token_hash(token),
        token_hint=token[:8],
        created_by=created_by,
    )
    return device, token


def device_rotate_token(*, device: Device) -> str:
    """Give ``device`` a new token (a new pairing link); the old token stops working at once.
    A revoked device becomes active again. Side effects: the row's hash, hint and revocation."""
    token = new_device_token()
    device.token_hash = device_token_hash(token)
    device.token_hint = token[:8]
    device.revoked_at = None
    device.save(update_fields=["token_hash", "token_hint", "revoked_at"])
    return token


def device_revoke(*, device: Device, now=None) -> Device:
    """Revoke ``device``: its very next request is refused (401). Side effects: the row."""
    if device.revoked_at is None:
        device.revoked_at = now or timezone.now()
        device.save(update_fields=["revoked_at"])
    return device


def device_authenticate(*, token: str) -> Scanner | None:
    """The scanner for a device ``token``, or None if it is unknown, malformed or revoked.
    One query on the unique hash. Side effects: none."""
    if not isinstance(token, str) or not DEVICE_TOKEN_RE.fullmatch(token):
        return None
    row = (
        Device.objects.filter(token_hash=device_token_hash(token), revoked_at__isnull=True)
        .order_by()
        .values_list("pk", "event_id")[:1]
    )
    found = next(iter(row), None)
    if found is None:
        return None
    return Scanner(device_id=found[0], event_id=found[1])
