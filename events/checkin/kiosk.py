"""The self check-in kiosk: a tablet at the entrance, paired like a scanning device and marked
as a kiosk by the organizer (``Device.kiosk``, on the lists it chose: ``Device.kiosk_lists``).
A guest shows the QR code of their badge, or types the email they registered with and the
6-character code of their confirmation email (``Registration.checkin_code``); the kiosk checks
them in as the door would (``services.checkin_scan``) and offers to print their badge, an action
of its own: every print (reprints too) is counted on the registration and logged.

Printing goes through the browser's print dialog of a page sized to the badge (A6): the kiosk
gets a short-lived signed ticket with its answer, spends it on ``kiosk_badge_print`` (counted,
logged) and opens the page the ticket names.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F

from core.activity import Actor, log_action
from events.checkin.services import Scanner, checkin_scan, scanner_throttle
from events.enums import CheckInMethod, RegistrationStatus, ScanResult
from events.exceptions import (
    CheckInForbidden,
    KioskCodeInvalid,
    KioskPrintExpired,
    NotAKiosk,
)
from events.models import CheckInList, Device, Registration

__all__ = [
    "kiosk_checkin",
    "kiosk_badge_print",
    "kiosk_print_ticket",
    "kiosk_print_ticket_read",
    "kiosk_lists",
]

#: How long after checking in a guest may print their badge at the kiosk (seconds).
PRINT_TICKET_AGE = 600
_TICKET_SALT = "forumhall.checkin.kiosk-print"


def _kiosk(scanner: Scanner) -> Device:
    """The kiosk behind ``scanner``. Raises NotAKiosk (staff, or a device not marked kiosk)."""
    device = Device.objects.filter(pk=scanner.device_id, kiosk=True).first()
    if scanner.device_id is None or device is None:
        raise NotAKiosk()
    return device


def kiosk_lists(device: Device) -> set[int] | None:
    """The ids of the lists the organizer chose for the kiosk ``device``, or None (every list of
    its event). Side effects: none."""
    chosen = set(device.kiosk_lists.values_list("pk", flat=True))
    return chosen or None


def _by_email_and_code(event_id: int, email: str, code: str) -> Registration:
    """The registration of ``event_id`` with this email and self check-in code (compared in
    constant time; case and spaces ignored). Raises KioskCodeInvalid."""
    typed = "".join(code.split()).upper() if isinstance(code, str) else ""
    candidates = Registration.objects.filter(event_id=event_id, email__iexact=email.strip())
    for registration in candidates.order_by("-pk") if email and typed else []:
        if hmac.compare_digest(registration.checkin_code, typed):
            return registration
    raise KioskCodeInvalid()


def kiosk_checkin(
    *,
    scanner: Scanner,
    list_id: int,
    token: str | None = None,
    email: str = "",
    code: str = "",
    nonce: str = "",
) -> dict:
    """Check a guest in at the kiosk ``scanner`` on the list ``list_id``: by the QR ``token`` of
    their badge, or by their ``email`` and self check-in ``code``. Returns the door's answer
    (``checkin_scan``) and, for a confirmed guest of the event (admitted now or already in),
    ``print_ticket``: what ``kiosk_badge_print`` takes to print their badge.

    Raises NotAKiosk, CheckInForbidden (a list the organizer did not choose for the kiosk, or
    of another event), CheckInListNotFound, CheckInRateLimited (more than
    ``CHECKIN_KIOSK_CODE_RATE_LIMIT`` email + code attempts by the kiosk) and KioskCodeInvalid
    (no registration with this email and code: nothing is recorded).
    Side effects: those of ``checkin_scan``; an email + code attempt counts against the limit.
    """
    device = _kiosk(scanner)
    allowed = kiosk_lists(device)
    if allowed is not None and list_id not in allowed:
        raise CheckInForbidden()
    if token is None:
        scanner_throttle(
            scanner=scanner, scope="kiosk-code", limit=settings.CHECKIN_KIOSK_CODE_RATE_LIMIT
        )
        checkin_list = CheckInList.objects.filter(pk=list_id, event_id=device.event_id).first()
        if checkin_list is None:
            raise CheckInForbidden()
        registration = _by_email_and_code(device.event_id, email, code)
        answer = checkin_scan(
            scanner=scanner,
            list_id=list_id,
            registration_id=registration.pk,
            nonce=nonce,
            method=CheckInMethod.KIOSK,
        )
    else:
        answer = checkin_scan(scanner=scanner, list_id=list_id, token=token, nonce=nonce)
    shown = answer.get("registration")
    if shown and answer.get("reason") in (None, ScanResult.ALREADY_CHECKED_IN):
        answer = {
            **answer,
            "print_ticket": kiosk_print_ticket(registration_id=shown["id"], device_id=device.pk),
        }
    return answer


def kiosk_print_ticket(*, registration_id: int, device_id: int) -> str:
    """The signed ticket with which the kiosk ``device_id`` may print the badge of
    ``registration_id`` for ``PRINT_TICKET_AGE`` seconds (``kiosk_badge_print``, and the page
    ``kiosk_badge``). Side effects: none."""
    return signing.dumps({"r": registration_id, "d": device_id}, salt=_TICKET_SALT, compress=True)


def kiosk_print_ticket_read(ticket: str, *, device_id: int | None = None) -> Registration:
    """The confirmed registration a print ticket stands for, given less than
    ``PRINT_TICKET_AGE`` seconds ago (to the kiosk ``device_id``, when given). Raises
    KioskPrintExpired (forged, expired, another kiosk's, or the guest no longer confirmed).
    Side effects: none."""
    try:
        data = signing.loads(ticket, salt=_TICKET_SALT, max_age=PRINT_TICKET_AGE)
    except signing.BadSignature as error:  # SignatureExpired included
        raise KioskPrintExpired() from error
    if device_id is not None and data.get("d") != device_id:
        raise KioskPrintExpired()
    registration = (
        Registration.objects.select_related("event", "category").filter(pk=data.get("r")).first()
    )
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        raise KioskPrintExpired()
    return registration


@transaction.atomic
def kiosk_badge_print(*, scanner: Scanner, ticket: str) -> Registration:
    """Print (once more) the badge of the guest a kiosk just checked in: counts the print on the
    registration. Raises NotAKiosk and KioskPrintExpired. Side effects: the registration's
    ``badge_prints`` goes up by one (reprints too); the activity entry
    ``registration.badge_printed`` by the kiosk, with the count."""
    device = _kiosk(scanner)
    registration = kiosk_print_ticket_read(ticket, device_id=device.pk)
    Registration.objects.filter(pk=registration.pk).update(badge_prints=F("badge_prints") + 1)
    before = registration.badge_prints
    registration.refresh_from_db(fields=["badge_prints"])
    log_action(
        action="registration.badge_printed",
        obj=registration,
        actor=Actor.device(device.pk, device.name),
        reason="kiosk",
        changes={"badge_prints": [before, registration.badge_prints]},
        event_id=registration.event_id,
    )
    return registration
