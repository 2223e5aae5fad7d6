"""Offline-first scanning: the snapshot a paired scanner keeps of a check-in list, the feed of
changes since a cursor that keeps it fresh, and the upload of the scans it decided offline.

A snapshot holds, per registration of the list's event, a keyed hash of its badge token (an
HMAC-SHA256 with a key derived on the server for that device: the token itself never leaves the
server, and a snapshot copied from one device matches no other's hashes), its name,
organisation, title, category, status and its first live entry on the list: enough to decide a
scan (valid, already checked in, cancelled, not on this list, unknown) without the network. No
email, no phone.

The change feed's cursor is the server's clock when the previous answer was built. Each answer
re-sends what changed within ``CHECKIN_SYNC_OVERLAP`` seconds before the cursor (a row is stamped
before its transaction commits; the overlap covers that gap and small clock differences between
the application and the database) and every row is sent whole: applying one twice is harmless,
so no change committed within the overlap of its stamp is missed. Registrations carry
``changed_at`` (every save); check-ins ``recorded_at`` (the database's clock at insert) and
``annulled_at``. A deleted registration disappears at the next full snapshot (the scanner takes
one every ``CHECKIN_SNAPSHOT_EVERY`` seconds).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.localized import localized_data
from events.checkin.services import Scanner, checkin_scan_many
from events.enums import CheckInKind, CheckInMethod
from events.exceptions import BadCheckInRequest, CheckInError
from events.models import CheckIn, CheckInList, Registration

__all__ = [
    "SNAPSHOT_FIELDS",
    "BatchScan",
    "badge_hash",
    "checkin_batch",
    "checkin_list_changes",
    "checkin_list_snapshot",
    "parse_cursor",
    "snapshot_key",
]

#: The columns of each registration row of a snapshot (rows are arrays: a third of the size).
SNAPSHOT_FIELDS = (
    "id",
    "hash",
    "full_name",
    "organization",
    "title",
    "category",
    "status",
    "entry_at",
    "entry_gate",
)
#: Bytes of the HMAC kept in a snapshot: 128 bits, written as 22 characters of base64url.
HASH_BYTES = 16


def snapshot_key(scanner: Scanner) -> bytes:
    """The key of ``scanner``'s badge hashes: derived from the server's secret and the device's
    token hash (a new pairing link gives a new key), or the staff user's id. Side effects: none."""
    scope = f"device:{scanner.token_hash}" if scanner.token_hash else f"user:{scanner.user_id}"
    message = f"forumhall.checkin.snapshot:{scope}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def badge_hash(key: bytes | hmac.HMAC, token: str) -> str:
    """The snapshot's hash of a badge token: HMAC-SHA256 under ``key``, its first 16 bytes in
    base64url without padding (the scanner computes the same with WebCrypto). ``key`` may be an
    HMAC object keyed already (``hmac.new(key, digestmod=hashlib.sha256)``): copying it is twice
    as fast as keying a new one, for the 10,000 rows of a snapshot."""
    mac = key.copy() if isinstance(key, hmac.HMAC) else hmac.new(key, digestmod=hashlib.sha256)
    mac.update(token.encode("utf-8", "surrogatepass"))
    return base64.urlsafe_b64encode(mac.digest()[:HASH_BYTES]).rstrip(b"=").decode("ascii")


def _cursor(moment: dt.datetime) -> str:
    return str(int(moment.timestamp() * 1_000_000))


def parse_cursor(value) -> dt.datetime:
    """The moment a cursor stands for. Raises BadCheckInRequest for anything but the digits of
    a cursor this server gave (at most a day in the future: a clock moved back)."""
    if not isinstance(value, str) or not value.isdigit() or len(value) > 20:
        raise BadCheckInRequest(_("“since” must be a cursor given by the server."))
    moment = dt.datetime.fromtimestamp(int(value) / 1_000_000, tz=dt.UTC)
    if moment > timezone.now() + dt.timedelta(days=1):
        raise BadCheckInRequest(_("“since” must be a cursor given by the server."))
    return moment


def _list_data(checkin_list: CheckInList, now) -> dict:
    return {
        "id": checkin_list.pk,
        "name": checkin_list.name,
        "event": checkin_list.event_id,
        "allow_reentry": checkin_list.allow_reentry,
        "opens_at": checkin_list.opens_at.isoformat() if checkin_list.opens_at else None,
        "closes_at": checkin_list.closes_at.isoformat() if checkin_list.closes_at else None,
        "open": checkin_list.is_open(now),
        # Empty: every category of the event is admitted.
        "categories": sorted(checkin_list.categories.values_list("pk", flat=True)),
        "gates": checkin_list.gate_names,
    }


def _rows(checkin_list: CheckInList, key: bytes, registrations, entries) -> list[list]:
    """Snapshot rows of ``registrations`` with their first live entry on the list."""
    first: dict[int, tuple] = {}
    for registration_id, created_at, gate in entries.order_by("id").values_list(
        "registration_id", "created_at", "gate"
    ):
        first.setdefault(registration_id, (created_at, gate))
    zone = timezone.get_current_timezone()
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    rows = []
    for pk, token, name, organization, title, category, status in registrations.values_list(
        "pk", "token", "full_name", "organization", "title", "category_id", "status"
    ).order_by("pk"):
        entry = first.get(pk)
        rows.append(
            [
                pk,
                badge_hash(keyed, token),
                name,
                organization,
                title,
                category,
                status,
                entry[0].astimezone(zone).isoformat() if entry else None,
                entry[1] if entry else "",
            ]
        )
    return rows


def _live_entries(checkin_list: CheckInList):
    return CheckIn.objects.filter(
        checkin_list=checkin_list, kind=CheckInKind.ENTRY, annulled_at__isnull=True
    )


def _answer(checkin_list: CheckInList, rows: list, now, **extra) -> dict:
    categories = checkin_list.event.categories.order_by("sort_order", "name")
    return {
        "status": "ok",
        "cursor": _cursor(now),
        "generated_at": timezone.localtime(now).isoformat(),
        "list": _list_data(checkin_list, now),
        "categories": [
            {"id": c.pk, **localized_data(c), "colour": c.badge_colour}
            for c in categories.only("pk", "name", "name_en", "badge_colour")
        ],
        "fields": list(SNAPSHOT_FIELDS),
        "registrations": rows,
        "stale_after": settings.CHECKIN_OFFLINE_STALE_AFTER,
        "snapshot_every": settings.CHECKIN_SNAPSHOT_EVERY,
        **extra,
    }


def checkin_list_snapshot(*, checkin_list: CheckInList, scanner: Scanner, now=None) -> dict:
    """The whole snapshot of ``checkin_list`` for ``scanner``: every registration of its event
    (see the module's docstring), the list's rules, its event's categories, the hashing key
    (base64url) and the cursor of the change feed. Three queries. Side effects: none."""
    now = now or timezone.now()
    key = snapshot_key(scanner)
    rows = _rows(
        checkin_list,
        key,
        Registration.objects.filter(event_id=checkin_list.event_id),
        _live_entries(checkin_list),
    )
    return _answer(
        checkin_list,
        rows,
        now,
        key=base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii"),
        hash_bytes=HASH_BYTES,
    )


def checkin_list_changes(
    *, checkin_list: CheckInList, scanner: Scanner, since: dt.datetime, now=None
) -> dict:
    """The rows of ``checkin_list``'s snapshot that changed since the cursor ``since`` (less
    ``CHECKIN_SYNC_OVERLAP`` seconds): registrations saved since, and those with a check-in on
    the list recorded or undone since; each row whole. Same shape as the snapshot, without the
    key. Side effects: none."""
    now = now or timezone.now()
    after = since - dt.timedelta(seconds=settings.CHECKIN_SYNC_OVERLAP)
    changed = set(
        Registration.objects.filter(
            event_id=checkin_list.event_id, changed_at__gte=after
        ).values_list("pk", flat=True)
    )
    changed.update(
        CheckIn.objects.filter(checkin_list=checkin_list)
        .filter(Q(recorded_at__gte=after) | Q(annulled_at__gte=after))
        .values_list("registration_id", flat=True)
    )
    rows = []
    if changed:
        rows = _rows(
            checkin_list,
            snapshot_key(scanner),
            Registration.objects.filter(event_id=checkin_list.event_id, pk__in=changed),
            _live_entries(checkin_list).filter(registration_id__in=changed),
        )
    return _answer(checkin_list, rows, now, since=_cursor(since))


@dataclass(frozen=True, slots=True)
class BatchScan:
    """One scan decided by a device offline, as it uploads it."""

    list_id: int
    nonce: str
    at: dt.datetime
    kind: str = CheckInKind.ENTRY
    gate: str = ""
    token: str | None = None
    registration_id: int | None = None
    #: The answer the device showed offline ("ok", "already_checked_in", …).
    offline_answer: str = ""


def _bounded(moment: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A device's clock, trusted within ``CHECKIN_OFFLINE_MAX_AGE`` seconds before now and
    never ahead of the server."""
    oldest = now - dt.timedelta(seconds=settings.CHECKIN_OFFLINE_MAX_AGE)
    return min(max(moment, oldest), now)


def checkin_batch(*, scanner: Scanner, scans: list[BatchScan], now=None) -> list[dict]:
    """Answer the scans a device decided offline, in the order given, each like ``checkin_scan``
    at the device's own time (bounded: ``_bounded``) with its nonce, so that sending a scan
    again (a lost answer, a retry) answers it once. The server judges: a badge admitted
    offline by two devices enters once; the second scan is logged ``already_checked_in`` and
    flagged as an offline conflict (``ScanLog.conflict``: the device showed "ok").

    Raises DeviceUnauthorized (a revoked or expired device: nothing of the batch is recorded).
    Per scan, a list of another event or no list at all is answered with that error's shape,
    not raised. Side effects: those of ``checkin_scan_many`` (the batch's rows in one
    transaction: a crash halfway records nothing of it, the device sends it again and each
    nonce is answered once), with ``offline`` set on the rows written and ``conflict`` when
    the device admitted a badge the server refused (a nonce answered before keeps its row as
    it was).
    """
    now = now or timezone.now()
    answers = checkin_scan_many(
        scanner=scanner,
        scans=[
            {
                "list_id": scan.list_id,
                "token": scan.token if scan.registration_id is None else None,
                "registration_id": scan.registration_id,
                "kind": scan.kind,
                "gate": scan.gate,
                "nonce": scan.nonce,
                "method": CheckInMethod.SCAN if scan.token else CheckInMethod.MANUAL,
                "now": _bounded(scan.at, now),
                "offline_answer": scan.offline_answer,
            }
            for scan in scans
        ],
    )
    return [
        {"status": "error", "reason": answer.code, "message": str(answer.message)}
        if isinstance(answer, CheckInError)
        else {**answer, "nonce": scan.nonce}
        for scan, answer in zip(scans, answers, strict=True)
    ]
