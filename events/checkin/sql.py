"""The raw SQL of the door scan (the hot path: ``bench/checkin.py``) and the small records it
reads into. ``services.checkin_scan`` holds the rules; this module only reads and writes rows.

Written in SQL (portable: SQLite and PostgreSQL) because the ORM's query compilation alone costs
more than the database work of a scan. On PostgreSQL the statements are prepared once per
connection (``DATABASE_PREPARED_STATEMENTS``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.internals import log_query, on_raw_connection
from events.enums import CheckInKind
from events.models import (
    AttendeeCategory,
    CheckIn,
    CheckInList,
    Device,
    Registration,
    ScanLog,
    window_is_open,
)

_CategoryLink = CheckInList.categories.through
ENTRY = CheckInKind.ENTRY.value


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


#: One read per scan: the list, whether it restricts categories, the answer already given for
#: this nonce, the registration with its category, whether the list admits that category, and
#: the badge's first live entry on the list (any entry, also one made while the list still
#: allowed re-entry: switching re-entry off must not let a guest in twice). Written in SQL
#: (portable: SQLite and PostgreSQL) because the ORM's query compilation alone costs more than
#: the database work here. The nonce's answers and the device are unique rows: joined, each
#: read once.
READ_SQL = """
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
  d.id, d.event_id,
  c.name_en
FROM {lists} l
LEFT JOIN {checkins} p ON p.nonce_key = %s
LEFT JOIN {scans} q ON q.nonce_key = %s
LEFT JOIN {devices} d ON d.token_hash = %s AND d.revoked_at IS NULL
  AND (d.expires_at IS NULL OR d.expires_at > %s)
LEFT JOIN {registrations} r ON r.{lookup} = %s
LEFT JOIN {categories} c ON c.id = r.category_id
WHERE l.id = %s
"""

INSERT_CHECKIN_SQL = """
INSERT INTO {checkins} (registration_id, checkin_list_id, kind, single_entry, method, created_at,
  gate, nonce_key, response, by_user_id, by_device_id, annul_reason, offline)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s)
RETURNING id
"""

INSERT_SCAN_SQL = """
INSERT INTO {scans} (created_at, event_id, checkin_list_id, registration_id, device_id, user_id,
  kind, method, gate, result, scanned, nonce_key, response, offline, conflict)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


@functools.cache
def sql(template: str, **extra) -> str:
    return template.format(
        link=table(_CategoryLink),
        checkins=table(CheckIn),
        scans=table(ScanLog),
        lists=table(CheckInList),
        registrations=table(Registration),
        categories=table(AttendeeCategory),
        devices=table(Device),
        **extra,
    )


def fetch(sql: str, params: list) -> Any:
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
    started = time.monotonic()
    try:
        return on_raw_connection(db, lambda raw: _prepared_fetch(raw, sql, params))
    finally:
        log_query(db, sql, params, started)


def _prepared_fetch(pg_connection, sql: str, params: list) -> Any:
    cursor = _scan_cursor(pg_connection)
    cursor.execute(sql, params, prepare=True)
    return cursor.fetchone() if cursor.pgresult.ntuples else None


def _scan_cursor(pg_connection):
    """The psycopg cursor of the scan's statements on ``pg_connection`` (made once; a connection
    that Django opens again is a new object, with a new cursor)."""
    cursor = getattr(pg_connection, "_forumhall_scan_cursor", None)
    if cursor is None or cursor.closed:
        cursor = pg_connection._forumhall_scan_cursor = psycopg.Cursor(pg_connection)
    return cursor


def execute(sql: str, params: list) -> Any:
    """Run one statement; inside a caller's transaction, within a savepoint so that a constraint
    violation leaves that transaction usable. Alone, it commits by itself (no BEGIN/COMMIT)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return fetch(sql, params)
    return fetch(sql, params)


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
class ScanList:
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
class ScanCategory:
    pk: int
    name: str
    badge_colour: str
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class ScanRegistration:
    """The badge's registration with what the answer shows of it (``registration_data``)."""

    pk: int
    event_id: int
    status: str
    full_name: str
    organization: str
    title: str
    category: ScanCategory


@dataclass(slots=True)
class ScanRow:
    """What the read of a scan found."""

    checkin_list: ScanList
    restricted: bool
    prior: dict | None
    registration: ScanRegistration | None
    admitted: bool
    entry_at: dt.datetime | None
    entry_gate: str
    #: The device found for the scanner's token hash, if it had one.
    device: tuple[int, int] | None


def _registration(row, *, name_en: str | None) -> ScanRegistration:
    """A registration read as (id, event, status, name, organisation, title, and its category's
    id, name and colour), with its category's English name."""
    return ScanRegistration(
        pk=row[0],
        event_id=row[1],
        status=row[2],
        full_name=row[3],
        organization=row[4],
        title=row[5],
        category=ScanCategory(pk=row[6], name=row[7], badge_colour=row[8], name_en=name_en or ""),
    )


def read_scan(
    *, list_id: int, lookup: str, value, nonce_key: str | None, token_hash: str | None
) -> ScanRow | None:
    row = fetch(
        sql(READ_SQL, lookup=lookup),
        [ENTRY, ENTRY, nonce_key, nonce_key, token_hash, _now(), value, list_id],
    )
    if row is None:
        return None
    prior = _json(row[7])
    if prior is not None and row[8] is not None:
        prior["checkin"] = row[8]
    registration = _registration(row[9:18], name_en=row[23]) if row[9] is not None else None
    return ScanRow(
        checkin_list=ScanList(
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


def stored_answer(nonce_key: str) -> dict | None:
    row = execute(
        sql(
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


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def device_by_hash(token_hash: str) -> tuple[int, int] | None:
    """(id, event id) of the active device with this token hash: not revoked, not expired."""
    return fetch(
        f"SELECT id, event_id FROM {table(Device)}"  # noqa: S608 (a table name, no input)
        " WHERE token_hash = %s AND revoked_at IS NULL"
        " AND (expires_at IS NULL OR expires_at > %s)",
        [token_hash, _now()],
    )


def insert_scan_log(
    *,
    now,
    event_id: int,
    list_id: int,
    registration_id: int | None,
    device_id: int | None,
    user_id: int | None,
    kind: str,
    method: str,
    gate: str,
    result: str,
    scanned: str,
    nonce_key: str | None,
    answer: dict,
    offline: bool = False,
    conflict: bool = False,
) -> None:
    """Log a scan that admitted nobody, with its answer (``offline``: decided by the device
    offline; ``conflict``: which admitted the badge). Raises IntegrityError when the same
    nonce was answered already (the unique ``nonce_key``)."""
    execute(
        sql(INSERT_SCAN_SQL),
        [
            connection.ops.adapt_datetimefield_value(now),
            event_id,
            list_id,
            registration_id,
            device_id,
            user_id,
            kind,
            method,
            gate,
            result,
            scanned,
            nonce_key,
            json.dumps(answer),
            offline,
            conflict,
        ],
    )


def insert_checkin(
    *,
    now,
    registration_id: int,
    list_id: int,
    kind: str,
    single_entry: bool,
    method: str,
    gate: str,
    nonce_key: str | None,
    answer: dict,
    user_id: int | None,
    device_id: int | None,
    offline: bool = False,
) -> int:
    """Insert a check-in with its answer and return its id. Raises IntegrityError when the
    badge entered the list already (``one_entry_per_badge_per_list``) or the nonce was used."""
    row = execute(
        sql(INSERT_CHECKIN_SQL),
        [
            registration_id,
            list_id,
            kind,
            single_entry,
            method,
            connection.ops.adapt_datetimefield_value(now),
            gate,
            nonce_key,
            json.dumps(answer),
            user_id,
            device_id,
            offline,
        ],
    )
    return row[0]


# --- Many scans at once (a device's queue uploaded: ``services.checkin_scan_many``) -----------


@dataclass(slots=True)
class BatchRead:
    """What the reads of a batch of scans found, keyed for its rules."""

    lists: dict[int, ScanList]
    #: Per list that restricts categories, the categories it admits.
    admitted: dict[int, set[int]]
    by_token: dict[str, ScanRegistration]
    by_id: dict[int, ScanRegistration]
    #: The answers given before for the batch's nonce keys (a check-in's with its id).
    answers: dict[str, dict]
    #: (registration, list) -> (time, gate) of the badge's first live entry on the list.
    entries: dict[tuple[int, int], tuple[dt.datetime, str]]


def read_batch(
    *, list_ids: set[int], tokens: set[str], registration_ids: set[int], nonce_keys: set[str]
) -> BatchRead:
    """The rows a batch of scans needs, in six queries whatever its size: its lists and their
    categories, its badges (by token or id) with their categories, the answers already given
    for its nonces, and the badges' first live entries on its lists."""
    lists = {
        row[0]: ScanList(*row)
        for row in CheckInList.objects.filter(pk__in=list_ids).values_list(
            "pk", "event_id", "name", "allow_reentry", "opens_at", "closes_at"
        )
    }
    admitted: dict[int, set[int]] = {}
    for list_id, category_id in _CategoryLink.objects.filter(checkinlist_id__in=lists).values_list(
        "checkinlist_id", "attendeecategory_id"
    ):
        admitted.setdefault(list_id, set()).add(category_id)
    by_token: dict[str, ScanRegistration] = {}
    by_id: dict[int, ScanRegistration] = {}
    wanted = Registration.objects.filter(token__in=tokens) | Registration.objects.filter(
        pk__in=registration_ids
    )
    for row in wanted.values_list(
        "token",
        "pk",
        "event_id",
        "status",
        "full_name",
        "organization",
        "title",
        "category_id",
        "category__name",
        "category__badge_colour",
        "category__name_en",
    ):
        by_token[row[0]] = by_id[row[1]] = _registration(row[1:10], name_en=row[10])
    answers: dict[str, dict] = {}
    for nonce_key, response in (
        ScanLog.objects.filter(nonce_key__in=nonce_keys)
        .order_by()
        .values_list("nonce_key", "response")
    ):
        answers[nonce_key] = response
    for nonce_key, response, checkin_id in (
        CheckIn.objects.filter(nonce_key__in=nonce_keys)
        .order_by()
        .values_list("nonce_key", "response", "pk")
    ):
        answers[nonce_key] = {**response, "checkin": checkin_id}
    entries: dict[tuple[int, int], tuple[dt.datetime, str]] = {}
    for registration_id, list_id, created_at, gate in (
        CheckIn.objects.filter(
            registration_id__in=by_id,
            checkin_list_id__in=lists,
            kind=ENTRY,
            annulled_at__isnull=True,
        )
        .order_by("id")
        .values_list("registration_id", "checkin_list_id", "created_at", "gate")
    ):
        entries.setdefault((registration_id, list_id), (created_at, gate))
    return BatchRead(lists, admitted, by_token, by_id, answers, entries)


CHECKIN_COLUMNS = (
    "registration_id, checkin_list_id, kind, single_entry, method, created_at, gate, nonce_key,"
    " response, by_user_id, by_device_id, annul_reason, offline"
)
SCAN_COLUMNS = (
    "created_at, event_id, checkin_list_id, registration_id, device_id, user_id, kind, method,"
    " gate, result, scanned, nonce_key, response, offline, conflict"
)


def insert_checkins(rows: list[dict]) -> list[int]:
    """Insert check-ins (each with ``insert_checkin``'s keyword arguments) in one statement, in
    their order, and return their ids in that order. Raises IntegrityError as ``insert_checkin``
    does, for the whole statement."""
    if not rows:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    params: list = []
    for row in rows:
        params += [
            row["registration_id"],
            row["list_id"],
            row["kind"],
            row["single_entry"],
            row["method"],
            adapt(row["now"]),
            row["gate"],
            row["nonce_key"],
            json.dumps(row["answer"]),
            row["user_id"],
            row["device_id"],
            row["offline"],
        ]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(CheckIn)} ({CHECKIN_COLUMNS}) VALUES {values}"  # noqa: S608 (names and placeholders only)
            " RETURNING id, nonce_key",
            params,
        )
        returned = cursor.fetchall()
    if all(row["nonce_key"] for row in rows):
        # Matched by nonce: SQL does not promise the order of the RETURNING rows.
        ids = {nonce_key: checkin_id for checkin_id, nonce_key in returned}
        return [ids[row["nonce_key"]] for row in rows]
    # In the order of VALUES, as PostgreSQL and SQLite return them (Django's bulk_create
    # relies on it too).
    return [checkin_id for checkin_id, _nonce_key in returned]


def insert_scan_logs(rows: list[dict]) -> None:
    """Insert scan log rows (each with ``insert_scan_log``'s keyword arguments) in one
    statement. Raises IntegrityError as ``insert_scan_log`` does, for the whole statement."""
    if not rows:
        return
    adapt = connection.ops.adapt_datetimefield_value
    params: list = []
    for row in rows:
        params += [
            adapt(row["now"]),
            row["event_id"],
            row["list_id"],
            row["registration_id"],
            row["device_id"],
            row["user_id"],
            row["kind"],
            row["method"],
            row["gate"],
            row["result"],
            row["scanned"],
            row["nonce_key"],
            json.dumps(row["answer"]),
            row["offline"],
            row["conflict"],
        ]
    values = ", ".join(["(" + ", ".join(["%s"] * 15) + ")"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(ScanLog)} ({SCAN_COLUMNS}) VALUES {values}",  # noqa: S608 (names and placeholders only)
            params,
        )
