"""Check-in at the door: scanning badges, undoing a check-in, lists and scanning devices.

The scan is the hot path (hundreds per minute before the opening speech): at most five SQL
queries (device, list + earlier answer for the nonce, registration + its live entry, the check-in,
the scan log), one short transaction, and the "one entry per badge per list" rule held by a
partial unique constraint in the database, not by a read-then-write in Python.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from events.enums import CheckInKind, CheckInMethod, RegistrationStatus, ScanResult
from events.exceptions import (
    CategoryNotAvailable,
    CheckInAlreadyAnnulled,
    CheckInForbidden,
    CheckInListClosesBeforeOpening,
    CheckInListForeignCategories,
    CheckInListNotFound,
    CheckInNotFound,
    DeviceUnauthorized,
    NonceUsedElsewhere,
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
    window_is_open,
)
from events.selectors_checkin import registration_data
from events.services.registration import registration_create

__all__ = [
    "Scanner",
    "checkin_scan",
    "checkin_annul",
    "checkin_walkin",
    "checkin_list_check",
    "checkin_list_upsert",
    "checkin_user_may_scan",
    "checkin_user_may_watch",
    "device_create",
    "device_pairing_url",
    "device_rotate_token",
    "device_revoke",
    "device_authenticate",
    "device_token_hash",
    "printable",
]

#: Badge tokens are URL-safe (base32 or base64 from ``secrets``): anything else is not a badge.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DEVICE_TOKEN_RE = re.compile(r"fhd_[A-Za-z0-9_-]{20,80}")
_CategoryLink = CheckInList.categories.through
ENTRY = CheckInKind.ENTRY.value


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


#: Door staff: they may check guests in (the API with a session, the scanner page).
CHECKIN_PERMISSION = "events.add_checkin"
#: They may watch the arrivals and the logs, without checking anyone in.
WATCH_PERMISSION = "events.view_checkin"


def _holds(user, *permissions: str) -> bool:
    """Whether the active ``user`` is a superuser or holds one of ``permissions`` directly or
    through a group. Where the user's permissions are loaded already (the admin loads them for
    its menus), read from them; else one query, where ``user.has_perm`` would load them all in
    two (the API with a staff session)."""
    if not user.is_active:  # AnonymousUser too
        return False
    if user.is_superuser:
        return True
    if hasattr(user, "_perm_cache"):  # filled by ModelBackend.get_all_permissions
        return any(user.has_perm(permission) for permission in permissions)
    wanted = Q()
    for permission in permissions:
        app_label, codename = permission.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(Q(user=user) | Q(group__user=user), wanted).exists()


def checkin_user_may_scan(user) -> bool:
    """Whether ``user`` (a User or AnonymousUser) may check guests in: the one answer of the API,
    the scanner page and the check-in menu. Side effects: none."""
    return _holds(user, CHECKIN_PERMISSION)


def checkin_user_may_watch(user) -> bool:
    """Whether ``user`` may watch the arrivals board and the check-in logs: door staff, or
    whoever holds the view permission. Side effects: none."""
    return _holds(user, CHECKIN_PERMISSION, WATCH_PERMISSION)


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
    checkin_list: CheckInList | _ScanList,
    kind: str,
    registration: Registration | _ScanRegistration | None = None,
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


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


#: One read per scan: the list, whether it restricts categories, the answer already given for
#: this nonce, the registration with its category, whether the list admits that category, and
#: the badge's first live entry on the list (any entry, also one made while the list still
#: allowed re-entry: switching re-entry off must not let a guest in twice). Written in SQL
#: (portable: SQLite and PostgreSQL) because the ORM's query compilation alone costs more than
#: the database work here. The nonce's answers and the device are unique rows: joined, each
#: read once.
_READ_SQL = """
SELECT l.id, l.event_id, l.name, l.allow_reentry, l.opens_at, l.closes_at,
  EXISTS (SELECT 1 FROM {link} k WHERE k.checkinlist_id = l.id),
  COALESCE(p.response, q.response),
  p.id,
  r.id, r.event_id, r.status, r.full_name, r.organization, r.title,
  c.id, c.name, c.badge_colour,
  EXISTS (SELECT 1 FROM {link} k
          WHERE k.checkinlist_id = l.id AND k.attendeecategory_id = r.category_id),
  (SELECT e.created_at FROM {checkins} e
   WHERE e.registration_id = r.id AND e.checkin_list_id = l.id
     AND e.kind = %s AND e.annulled_at IS NULL ORDER BY e.id LIMIT 1),
  (SELECT e.gate FROM {checkins} e
   WHERE e.registration_id = r.id AND e.checkin_list_id = l.id
     AND e.kind = %s AND e.annulled_at IS NULL ORDER BY e.id LIMIT 1),
  d.id, d.event_id
FROM {lists} l
LEFT JOIN {checkins} p ON p.nonce_key = %s
LEFT JOIN {scans} q ON q.nonce_key = %s
LEFT JOIN {devices} d ON d.token_hash = %s AND d.revoked_at IS NULL
LEFT JOIN {registrations} r ON r.{lookup} = %s
LEFT JOIN {categories} c ON c.id = r.category_id
WHERE l.id = %s
"""

_INSERT_CHECKIN_SQL = """
INSERT INTO {checkins} (registration_id, checkin_list_id, kind, single_entry, method, created_at,
  gate, nonce_key, response, by_user_id, by_device_id, annul_reason)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '')
RETURNING id
"""

_INSERT_SCAN_SQL = """
INSERT INTO {scans} (created_at, event_id, checkin_list_id, registration_id, device_id, user_id,
  kind, method, gate, result, scanned, nonce_key, response)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


@functools.cache
def _sql(template: str, **extra) -> str:
    return template.format(
        link=_table(_CategoryLink),
        checkins=_table(CheckIn),
        scans=_table(ScanLog),
        lists=_table(CheckInList),
        registrations=_table(Registration),
        categories=_table(AttendeeCategory),
        devices=_table(Device),
        **extra,
    )


def _fetch(sql: str, params: list) -> Any:
    """Run one statement of the scan and return its first row (or None).

    On PostgreSQL the statement is sent as a prepared statement (server-side binding,
    ``prepare=True``): the server plans it once per connection instead of once per scan, which
    is most of its work here (``DATABASE_PREPARED_STATEMENTS`` in the settings turns this off).
    The cursor is kept with its connection (``_scan_cursor``): a new one per statement costs a
    quarter of the statement's Python time (its adapters are set up again each time). Django's
    error wrapping and query log still apply."""
    db = connections[DEFAULT_DB_ALIAS]  # looked up once: each proxy access costs a thread-local
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    started = time.monotonic()
    try:
        with db.wrap_database_errors:
            cursor = _scan_cursor(db.connection)
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone() if cursor.pgresult.ntuples else None
    finally:
        if db.queries_logged:
            db.queries_log.append(
                {"sql": f"{sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"}
            )


def _scan_cursor(pg_connection):
    """The psycopg cursor of the scan's statements on ``pg_connection`` (made once; a connection
    that Django opens again is a new object, with a new cursor)."""
    cursor = getattr(pg_connection, "_forumhall_scan_cursor", None)
    if cursor is None or cursor.closed:
        import psycopg

        cursor = pg_connection._forumhall_scan_cursor = psycopg.Cursor(pg_connection)
    return cursor


def _execute(sql: str, params: list) -> Any:
    """Run one statement; inside a caller's transaction, within a savepoint so that a constraint
    violation leaves that transaction usable. Alone, it commits by itself (no BEGIN/COMMIT)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return _fetch(sql, params)
    return _fetch(sql, params)


def _datetime(value):
    """A timestamp read by raw SQL: aware already on PostgreSQL, text on SQLite."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _json(value) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)


@dataclass(frozen=True, slots=True)
class _ScanList:
    """The check-in list as the scan reads it (a model instance costs more than the scan's own
    Python work: ``Model.__init__``, its signals and field defaults)."""

    pk: int
    event_id: int
    name: str
    allow_reentry: bool
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None

    def is_open(self, now) -> bool:
        return window_is_open(self.opens_at, self.closes_at, now)


@dataclass(frozen=True, slots=True)
class _ScanCategory:
    pk: int
    name: str
    badge_colour: str


@dataclass(frozen=True, slots=True)
class _ScanRegistration:
    """The badge's registration with what the answer shows of it (``registration_data``)."""

    pk: int
    event_id: int
    status: str
    full_name: str
    organization: str
    title: str
    category: _ScanCategory


@dataclass(slots=True)
class _Row:
    """What the read of a scan found."""

    checkin_list: _ScanList
    restricted: bool
    prior: dict | None
    registration: _ScanRegistration | None
    admitted: bool
    entry_at: dt.datetime | None
    entry_gate: str
    #: The device found for the scanner's token hash, if it had one.
    device: tuple[int, int] | None


def _read(
    *, list_id: int, lookup: str, value, nonce_key: str | None, token_hash: str | None
) -> _Row | None:
    row = _fetch(
        _sql(_READ_SQL, lookup=lookup),
        [ENTRY, ENTRY, nonce_key, nonce_key, token_hash, value, list_id],
    )
    if row is None:
        return None
    prior = _json(row[7])
    if prior is not None and row[8] is not None:
        prior["checkin"] = row[8]
    registration = None
    if row[9] is not None:
        registration = _ScanRegistration(
            pk=row[9],
            event_id=row[10],
            status=row[11],
            full_name=row[12],
            organization=row[13],
            title=row[14],
            category=_ScanCategory(pk=row[15], name=row[16], badge_colour=row[17]),
        )
    return _Row(
        checkin_list=_ScanList(
            pk=row[0],
            event_id=row[1],
            name=row[2],
            allow_reentry=bool(row[3]),
            opens_at=_datetime(row[4]),
            closes_at=_datetime(row[5]),
        ),
        restricted=bool(row[6]),
        prior=prior,
        registration=registration,
        admitted=bool(row[18]),
        entry_at=_datetime(row[19]),
        entry_gate=row[20] or "",
        device=(row[21], row[22]) if row[21] is not None else None,
    )


def _stored_answer(nonce_key: str) -> dict | None:
    row = _execute(
        _sql(
            "SELECT COALESCE((SELECT p.response FROM {checkins} p WHERE p.nonce_key = %s),"
            " (SELECT q.response FROM {scans} q WHERE q.nonce_key = %s)),"
            " (SELECT p.id FROM {checkins} p WHERE p.nonce_key = %s)"
        ),
        [nonce_key, nonce_key, nonce_key],
    )
    answer = _json(row[0]) if row else None
    if answer is not None and row[1] is not None:
        answer["checkin"] = row[1]
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

    Raises ``DeviceUnauthorized`` (a token hash of no active device), ``CheckInListNotFound``
    (no such list) and ``CheckInForbidden`` (list of another event than the device's).

    Side effects: one ``CheckIn`` row (with its answer) on success, or one ``ScanLog`` row (with
    its answer) for a failed scan; nothing else, whatever the input. Two SQL statements: one
    read (which also checks a device given by its token hash), one insert, each its own
    transaction.
    """
    now = now or timezone.now()
    kind = CheckInKind(kind)
    nonce_key = f"{scanner.key}:{nonce}" if nonce else None
    single_entry = kind == CheckInKind.ENTRY
    if registration_id is not None:
        lookup, value, scanned = "id", registration_id, f"#{registration_id}"
    else:
        well_formed = isinstance(token, str) and TOKEN_RE.fullmatch(token)
        lookup, value, scanned = "token", token if well_formed else None, printable(token)

    found = _read(
        list_id=list_id,
        lookup=lookup,
        value=value,
        nonce_key=nonce_key,
        token_hash=scanner.token_hash,
    )
    if scanner.token_hash:  # the device, checked by the same read
        device = found.device if found else _device_by_hash(scanner.token_hash)
        if device is None:
            raise DeviceUnauthorized()
        scanner = Scanner(device_id=device[0], event_id=device[1], token_hash=scanner.token_hash)
    if found is None:
        raise CheckInListNotFound()
    checkin_list, registration = found.checkin_list, found.registration
    if not scanner.may_use(checkin_list.event_id):
        raise CheckInForbidden()
    if found.prior is not None:
        return found.prior
    single_entry = single_entry and not checkin_list.allow_reentry
    own_registration = registration and registration.event_id == checkin_list.event_id

    def fail(result: str, *, shown: _ScanRegistration | None = registration, at=None, gate_=""):
        answer = _answer(
            result, checkin_list=checkin_list, kind=kind, registration=shown, at=at, gate=gate_
        )
        params = [
            connection.ops.adapt_datetimefield_value(now),
            checkin_list.event_id,
            checkin_list.pk,
            registration.pk if own_registration else None,
            scanner.device_id,
            scanner.user_id,
            kind.value,
            str(method),
            gate,
            str(result),
            scanned,
            nonce_key,
            json.dumps(answer),
        ]
        try:
            _execute(_sql(_INSERT_SCAN_SQL), params)
        except IntegrityError:  # the same nonce, sent twice at the same instant: first one wins
            if nonce_key and (stored := _stored_answer(nonce_key)) is not None:
                return stored
            raise
        return answer

    if registration is None:
        return fail(ScanResult.INVALID)
    if not own_registration:
        return fail(ScanResult.INVALID if scanner.is_device else ScanResult.WRONG_EVENT, shown=None)
    if registration.status == RegistrationStatus.CANCELLED:
        return fail(ScanResult.CANCELLED)
    if registration.status != RegistrationStatus.CONFIRMED:
        return fail(ScanResult.NOT_CONFIRMED)
    if not checkin_list.is_open(now):
        return fail(ScanResult.LIST_CLOSED)
    if found.restricted and not found.admitted:
        return fail(ScanResult.NOT_ALLOWED)
    if single_entry and found.entry_at is not None:
        return fail(ScanResult.ALREADY_CHECKED_IN, at=found.entry_at, gate_=found.entry_gate)

    answer = _answer(
        ScanResult.OK,
        checkin_list=checkin_list,
        kind=kind,
        registration=registration,
        at=now,
        gate=gate,
    )
    try:
        inserted = _execute(
            _sql(_INSERT_CHECKIN_SQL),
            [
                registration.pk,
                checkin_list.pk,
                kind.value,
                single_entry,
                str(method),
                connection.ops.adapt_datetimefield_value(now),
                gate,
                nonce_key,
                json.dumps(answer),
                scanner.user_id,
                scanner.device_id,
            ],
        )
    except IntegrityError:
        # Another scanner admitted this badge a moment ago (the unique entry constraint), or
        # this very nonce was just answered by a concurrent request.
        if nonce_key and (stored := _stored_answer(nonce_key)) is not None:
            return stored
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
        return fail(ScanResult.ALREADY_CHECKED_IN, at=first[0], gate_=first[1])
    answer["checkin"] = inserted[0]
    return answer


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
) -> tuple[CheckInList, bool]:
    """Create the list ``name`` of ``event`` with these settings, or return the existing one
    unchanged. Returns ``(list, created)``. Raises CheckInListForeignCategories (a category of
    another event) or CheckInListClosesBeforeOpening, and then writes nothing.
    Side effects: the row and its category links."""
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


def device_pairing_url(token: str) -> str:
    """The link that opens the scanner signed in as the device. The token travels in the
    fragment, which browsers never send to a server (nor write in its logs). Side effects: none."""
    return f"{settings.BASE_URL.rstrip('/')}{reverse('events:checkin_pair')}#{token}"


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
    One indexed read on the unique hash (checked on every request: revocation is immediate).
    Side effects: none."""
    if not isinstance(token, str) or not DEVICE_TOKEN_RE.fullmatch(token):
        return None
    token_hash = device_token_hash(token)
    found = _device_by_hash(token_hash)
    if found is None:
        return None
    # With its token hash, the scanner's nonces have the same scope on every endpoint.
    return Scanner(device_id=found[0], event_id=found[1], token_hash=token_hash)


def _device_by_hash(token_hash: str) -> tuple[int, int] | None:
    """(id, event id) of the active device with this token hash."""
    return _fetch(
        f"SELECT id, event_id FROM {_table(Device)}"  # noqa: S608 (a table name, no input)
        " WHERE token_hash = %s AND revoked_at IS NULL",
        [token_hash],
    )


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
) -> tuple[Registration, dict | None]:
    """Register a guest at the door (the registration service's trusted path: no email
    confirmation, the seat decided at once) and, if the seat is confirmed, check them in on the
    list. Returns the registration and the check-in answer (None when waitlisted or waiting for
    approval).

    Raises ``CheckInListNotFound``, ``CheckInForbidden``, ``CategoryNotAvailable`` (a category of
    another event), ``NonceUsedElsewhere`` (the nonce was spent on a scan of no known badge)
    and the errors of ``registration_create`` (already registered, bad details).
    The same ``nonce`` from the same scanner answers the first walk-in's check-in again.
    Side effects: those of ``registration_create`` (the row, the badge email after commit) and of
    ``checkin_scan``.
    """
    checkin_list = CheckInList.objects.select_related("event").filter(pk=list_id).first()
    if checkin_list is None:
        raise CheckInListNotFound()
    if not scanner.may_use(checkin_list.event_id):
        raise CheckInForbidden()
    if nonce and (answer := _stored_answer(f"{scanner.key}:{nonce}")) is not None:
        # The same walk-in sent again (a retry after a lost answer): its first answer. A nonce
        # first spent on a scan of no known badge (or on a guest since deleted) is no walk-in.
        registration_id = (answer.get("registration") or {}).get("id")
        registration = Registration.objects.filter(pk=registration_id).first()
        if registration is None:
            raise NonceUsedElsewhere()
        return registration, answer
    category = AttendeeCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise CategoryNotAvailable()
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
