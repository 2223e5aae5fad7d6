"""Offline-first scanning over HTTP: the list's snapshot, its change feed and the upload of
queued scans (events/checkin/sync.py, the three endpoints in api.py)."""

import datetime as dt
import gzip
import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.checkin.services import (
    Scanner,
    checkin_annul,
    checkin_scan,
    checkin_scan_many,
    device_revoke,
)
from events.checkin.sync import badge_hash, snapshot_key
from events.enums import RegistrationStatus
from events.exceptions import CheckInError, CheckInForbidden, CheckInListNotFound
from events.models import CheckIn, Device, ScanLog
from tests.factories.checkin import RegistrationFactory, door_scene

#: Devices of the 2023 scene must outlive it to work today.
FUTURE = timezone.now() + dt.timedelta(days=365)


pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return door_scene()


def get(client, url, *, token=None, **headers):
    if token:
        headers["authorization"] = f"Bearer {token}"
    return client.get(url, headers=headers)


def post(client, url, data, *, token=None):
    body = data if isinstance(data, bytes | str) else json.dumps(data)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return client.post(url, body, content_type="application/json", headers=headers)


def snapshot(client, scene, list_id=None, token=None):
    response = get(
        client,
        f"/api/checkin/lists/{list_id or scene.hall.pk}/snapshot/",
        token=token or scene.token,
    )
    assert response.status_code == 200, response.content
    return response.json()


def rows_by_id(body):
    fields = body["fields"]
    return {row[0]: dict(zip(fields, row, strict=True)) for row in body["registrations"]}


def device_scanner(scene) -> Scanner:
    device = Device.objects.get(pk=scene.device.pk)
    return Scanner(device_id=device.pk, event_id=device.event_id, token_hash=device.token_hash)


def test_snapshot_has_what_the_door_needs_and_no_token_email_or_phone(client, scene):
    post(
        client,
        "/api/checkin/",
        {"token": scene.do.token, "list": scene.hall.pk, "gate": "Cổng 2"},
        token=scene.token,
    )
    body = snapshot(client, scene)
    rows = rows_by_id(body)
    # Every registration of the event (to tell "cancelled" from "unknown"), none of another.
    assert set(rows) == {scene.khoa.pk, scene.do.pk, scene.cancelled.pk, scene.pending.pk}
    khoa = rows[scene.khoa.pk]
    assert khoa["full_name"] == "Nguyễn Văn Khoa"
    assert khoa["organization"] == "Sở Thông tin và Truyền thông Hải Phòng"
    assert khoa["category"] == scene.delegate.pk
    assert khoa["status"] == "confirmed"
    assert khoa["entry_at"] is None
    assert rows[scene.cancelled.pk]["status"] == "cancelled"
    assert rows[scene.do.pk]["entry_gate"] == "Cổng 2"
    assert rows[scene.do.pk]["entry_at"] is not None
    # The hash is the device's HMAC of the token, never the token; no email, no phone.
    key = snapshot_key(device_scanner(scene))
    assert khoa["hash"] == badge_hash(key, scene.khoa.token)
    text = json.dumps(body, ensure_ascii=False)
    for registration in (scene.khoa, scene.do, scene.cancelled, scene.pending):
        assert registration.token not in text
        assert registration.email not in text
    assert "912345678" not in text
    assert "manage_secret" not in text
    assert body["list"]["allow_reentry"] is False
    assert body["list"]["gates"] == ["Cổng 1", "Cổng 2"]
    assert {c["name"] for c in body["categories"]} == {"Đại biểu", "Báo chí", "Khách mời"}


def test_each_device_hashes_with_its_own_key(client, scene):
    from events.checkin.services import device_create

    _device, second_token = device_create(
        event=scene.event, name="Máy tính bảng", expires_at=FUTURE
    )
    first = rows_by_id(snapshot(client, scene))[scene.khoa.pk]["hash"]
    second = rows_by_id(snapshot(client, scene, token=second_token))[scene.khoa.pk]["hash"]
    assert first != second


def test_snapshot_lists_the_restricted_categories(client, scene):
    body = snapshot(client, scene, list_id=scene.lunch.pk)
    assert body["list"]["categories"] == sorted([scene.delegate.pk, scene.vip.pk])


def test_snapshot_is_gzipped_when_asked(client, scene):
    for n in range(30):
        RegistrationFactory(category=scene.delegate, full_name=f"Khách số {n}")
    response = get(
        client,
        f"/api/checkin/lists/{scene.hall.pk}/snapshot/",
        token=scene.token,
        accept_encoding="gzip, deflate",
    )
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["registrations"]) == 34


@pytest.mark.parametrize("suffix", ["snapshot/", "changes/?since=1"])
def test_feed_endpoints_refuse_like_the_rest_of_the_api(client, scene, suffix):
    url = f"/api/checkin/lists/{scene.hall.pk}/{suffix}"
    anonymous = get(client, url)
    assert anonymous.status_code == 401
    assert anonymous.json()["status"] == "error"
    assert anonymous.json()["reason"] == "unauthorized"
    assert get(client, url, token="fhd_" + "x" * 43).status_code == 401
    other = get(client, url, token=scene.other_token)
    assert other.status_code == 403
    assert other.json()["reason"] == "forbidden"
    missing = get(client, f"/api/checkin/lists/999999/{suffix}", token=scene.token)
    assert missing.status_code == 404
    assert missing.json()["reason"] == "not_found"
    device_revoke(device=scene.device)
    revoked = get(client, url, token=scene.token)
    assert revoked.status_code == 401
    assert revoked["WWW-Authenticate"].startswith("Bearer")
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("since", ["", "abc", "-5", "1" * 25, "99999999999999999"])
def test_changes_refuse_a_bad_cursor(client, scene, since):
    response = get(
        client, f"/api/checkin/lists/{scene.hall.pk}/changes/?since={since}", token=scene.token
    )
    assert response.status_code == 400
    assert response.json()["reason"] == "bad_request"
    assert "since" in response.json()["message"]


def test_changes_bring_every_change_since_the_cursor(client, scene, settings):
    settings.CHECKIN_SYNC_OVERLAP = 0
    first = snapshot(client, scene)
    cursor = first["cursor"]
    quiet = get(
        client, f"/api/checkin/lists/{scene.hall.pk}/changes/?since={cursor}", token=scene.token
    ).json()
    assert quiet["registrations"] == []

    # A scan, a cancellation, a new guest, a check-in on another list (not this one's).
    post(
        client,
        "/api/checkin/",
        {"token": scene.khoa.token, "list": scene.hall.pk},
        token=scene.token,
    )
    scene.do.status = RegistrationStatus.CANCELLED
    scene.do.save(update_fields=["status"])
    newcomer = RegistrationFactory(category=scene.press, full_name="Vũ Mới Đến")
    post(
        client,
        "/api/checkin/",
        {"token": scene.pending.token, "list": scene.expo.pk},
        token=scene.token,
    )
    changes = get(
        client, f"/api/checkin/lists/{scene.hall.pk}/changes/?since={cursor}", token=scene.token
    ).json()
    rows = rows_by_id(changes)
    assert set(rows) == {scene.khoa.pk, scene.do.pk, newcomer.pk}
    assert rows[scene.khoa.pk]["entry_at"] is not None
    assert rows[scene.do.pk]["status"] == "cancelled"
    assert rows[newcomer.pk]["full_name"] == "Vũ Mới Đến"
    assert int(changes["cursor"]) >= int(cursor)

    # An undo is a change too: the entry is gone from the row.
    checkin_annul(
        checkin_id=CheckIn.objects.get(checkin_list=scene.hall).pk,
        scanner=device_scanner(scene),
        reason="Nhầm",
    )
    later = get(
        client,
        f"/api/checkin/lists/{scene.hall.pk}/changes/?since={changes['cursor']}",
        token=scene.token,
    ).json()
    assert rows_by_id(later)[scene.khoa.pk]["entry_at"] is None


def test_changes_overlap_catches_a_row_stamped_before_the_cursor(client, scene, settings):
    """A row stamped just before the cursor but committed after it (a slow transaction) is
    still sent: the feed re-reads CHECKIN_SYNC_OVERLAP seconds before the cursor."""
    settings.CHECKIN_SYNC_OVERLAP = 120
    cursor = snapshot(client, scene)["cursor"]
    from events.models import Registration

    Registration.objects.filter(pk=scene.khoa.pk).update(
        full_name="Nguyễn Văn Khoa (sửa)", changed_at=timezone.now() - dt.timedelta(seconds=30)
    )
    rows = rows_by_id(
        get(
            client, f"/api/checkin/lists/{scene.hall.pk}/changes/?since={cursor}", token=scene.token
        ).json()
    )
    assert rows[scene.khoa.pk]["full_name"] == "Nguyễn Văn Khoa (sửa)"


def queued(scene, token, nonce, *, minutes_ago=5, answer="ok", **extra):
    moment = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return {
        "nonce": nonce,
        "time": moment.isoformat(),
        "list": scene.hall.pk,
        "token": token,
        "gate": "Cổng 1",
        "offline_answer": answer,
        **extra,
    }


def test_batch_answers_in_order_at_the_devices_time_and_once_per_nonce(client, scene):
    scans = [
        queued(scene, scene.khoa.token, "n1", minutes_ago=7),
        queued(scene, scene.do.token, "n2", minutes_ago=6),
        queued(scene, scene.cancelled.token, "n3", answer="cancelled"),
        queued(scene, "UNKNOWNBADGE00000000", "n4", answer="invalid"),
        queued(scene, scene.khoa.token, "n5", minutes_ago=4, answer="already_checked_in"),
    ]
    response = post(client, "/api/checkin/batch/", {"scans": scans}, token=scene.token)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["reason"] for r in results] == [
        None,
        None,
        "cancelled",
        "invalid",
        "already_checked_in",
    ]
    assert [r["nonce"] for r in results] == ["n1", "n2", "n3", "n4", "n5"]
    checkins = list(CheckIn.objects.order_by("created_at"))
    assert [c.registration for c in checkins] == [scene.khoa, scene.do]
    assert all(c.offline and c.by_device_id == scene.device.pk for c in checkins)
    # The scan's time is the device's, not the upload's.
    assert abs((checkins[0].created_at - timezone.now()).total_seconds() - (-7 * 60)) < 5
    assert ScanLog.objects.filter(offline=True).count() == 3
    assert not ScanLog.objects.filter(conflict=True).exists()  # the device said so itself

    again = post(client, "/api/checkin/batch/", {"scans": scans}, token=scene.token)
    assert [r["reason"] for r in again.json()["results"]] == [r["reason"] for r in results]
    assert CheckIn.objects.count() == 2
    assert ScanLog.objects.count() == 3


def test_two_devices_admitting_the_same_badge_offline_make_one_entry_and_a_conflict(client, scene):
    from events.checkin.services import device_create

    _tablet, tablet_token = device_create(
        event=scene.event, name="Máy tính bảng", expires_at=FUTURE
    )
    first = post(
        client,
        "/api/checkin/batch/",
        {"scans": [queued(scene, scene.khoa.token, "a1", minutes_ago=3)]},
        token=scene.token,
    )
    second = post(
        client,
        "/api/checkin/batch/",
        {"scans": [queued(scene, scene.khoa.token, "b1", minutes_ago=2)]},
        token=tablet_token,
    )
    assert first.json()["results"][0]["status"] == "ok"
    assert second.json()["results"][0]["reason"] == "already_checked_in"
    assert CheckIn.objects.count() == 1
    log = ScanLog.objects.get()
    assert (log.result, log.offline, log.conflict) == ("already_checked_in", True, True)


def test_batch_bounds_the_devices_clock(client, scene):
    future = queued(scene, scene.khoa.token, "f1", minutes_ago=-600)
    ancient = queued(scene, scene.do.token, "f2", minutes_ago=60 * 24 * 30)
    post(client, "/api/checkin/batch/", {"scans": [future, ancient]}, token=scene.token)
    now = timezone.now()
    khoa = CheckIn.objects.get(registration=scene.khoa)
    do = CheckIn.objects.get(registration=scene.do)
    assert khoa.created_at <= now
    assert now - do.created_at <= dt.timedelta(hours=24, minutes=1)


def test_batch_takes_a_registration_found_by_search(client, scene):
    scan = queued(scene, None, "m1")
    del scan["token"]
    scan["registration"] = scene.do.pk
    results = post(client, "/api/checkin/batch/", {"scans": [scan]}, token=scene.token).json()
    assert results["results"][0]["status"] == "ok"
    assert CheckIn.objects.get().method == "manual"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"scans": []}, 400),
        ({"scans": "x"}, 400),
        ({"scans": [1]}, 400),
        ({"scans": [{"time": "2024-01-01T00:00:00+07:00", "list": 1, "token": "x"}]}, 400),
        ({"scans": [{"nonce": "a", "list": 1, "token": "x"}]}, 400),
        ({"scans": [{"nonce": "a", "list": 1, "token": "x", "time": "2024-01-01T00:00"}]}, 400),
        ({"scans": [{"nonce": "a b", "list": 1, "token": "x", "time": "2024"}]}, 400),
        ({"scans": [{"nonce": "a", "time": "2024-01-01T00:00:00Z", "list": 1}]}, 400),
        ({"scans": [{"nonce": "a", "time": "2024-01-01T00:00:00Z", "token": "x"}]}, 400),
    ],
)
def test_batch_refuses_malformed_scans_with_the_json_error_shape(client, scene, body, status):
    response = post(client, "/api/checkin/batch/", body, token=scene.token)
    assert response.status_code == status
    assert response.json()["status"] == "error"
    assert response.json()["reason"] == "bad_request"
    assert response.json()["message"]
    assert not CheckIn.objects.exists()


def upload(client, token, *scans):
    return post(client, "/api/checkin/batch/", {"scans": list(scans)}, token=token)


def test_batch_limits_and_auth(client, scene):
    too_many = [queued(scene, scene.khoa.token, f"x{n}") for n in range(201)]
    assert upload(client, scene.token, *too_many).status_code in (400, 413)
    assert upload(client, None, queued(scene, scene.khoa.token, "a1")).status_code == 401
    other = upload(client, scene.other_token, queued(scene, scene.khoa.token, "o1"))
    assert other.status_code == 200
    assert other.json()["results"][0]["reason"] == "forbidden"
    device_revoke(device=scene.device)
    revoked = upload(client, scene.token, queued(scene, scene.khoa.token, "r1"))
    assert revoked.status_code == 401
    assert not CheckIn.objects.exists()


def test_batch_in_english_and_vietnamese(client, scene):
    bad = post(client, "/api/checkin/batch/", {"scans": "x"}, token=scene.token)
    english = Client().post(
        "/api/checkin/batch/",
        "{}",
        content_type="application/json",
        headers={"authorization": f"Bearer {scene.token}", "accept-language": "en"},
    )
    assert english.json()["message"] == "“scans” must be a list of scans."
    assert bad.json()["message"] != english.json()["message"]


# --- The batch at once (services.checkin_scan_many) -------------------------------------------


def mixed_scans(scene) -> list[dict]:
    """Every rule of the door in one queue: admitted, admitted earlier in the batch, exits,
    re-entry, a restricted list, unknown, cancelled, pending, another event's badge, a badge
    typed in lower case, a nonce sent twice, a search result, a list of no event."""
    minute = timezone.now() - dt.timedelta(minutes=30)

    def scan(n, token=None, checkin_list=None, **options):
        return {
            "list_id": (checkin_list or scene.hall).pk,
            "token": token,
            "nonce": options.pop("nonce", f"m{n}"),
            "now": minute + dt.timedelta(seconds=n),
            "gate": "Cổng 2",
            "offline_answer": "ok",
            **options,
        }

    return [
        scan(1, scene.khoa.token),
        scan(2, scene.khoa.token),  # admitted by scan 1: already checked in (a conflict)
        scan(3, scene.do.token.lower()),  # typed in lower case
        scan(4, scene.do.token, kind="exit"),
        scan(5, scene.do.token, scene.expo),
        scan(6, scene.do.token, scene.expo),  # re-entry allowed
        scan(7, scene.do.token, scene.lunch),  # press is not on the lunch list
        scan(8, scene.khoa.token, scene.lunch),
        scan(9, "NOTABADGE0000000000000"),
        scan(10, "x"),
        scan(11, scene.cancelled.token),
        scan(12, scene.pending.token),
        scan(13, scene.stranger.token),
        scan(14, scene.khoa.token, nonce="m1"),  # scan 1's nonce again: scan 1's answer
        scan(15, None, registration_id=scene.do.pk, method="manual"),
        {**scan(16, scene.khoa.token), "list_id": 999_999},
        scan(17, scene.stranger.token, scene.other_list),
        scan(18, scene.khoa.token, kind="exit"),
        scan(19, scene.khoa.token),
    ]


def comparable(answers) -> list:
    """The answers with check-in ids replaced by their rank (the two runs number rows apart)."""
    ids = sorted({a["checkin"] for a in answers if isinstance(a, dict) and a.get("checkin")})
    out = []
    for answer in answers:
        if isinstance(answer, Exception):
            out.append(type(answer).__name__)
        else:
            out.append(
                {
                    **answer,
                    "checkin": ids.index(answer["checkin"]) if answer.get("checkin") else None,
                }
            )
    return out


def recorded() -> tuple[list, list]:
    checkins = CheckIn.objects.order_by("id").values_list(
        "registration_id",
        "checkin_list_id",
        "kind",
        "single_entry",
        "method",
        "created_at",
        "gate",
        "nonce_key",
        "response",
        "by_device_id",
        "offline",
    )
    scans = ScanLog.objects.order_by("id").values_list(
        "created_at",
        "event_id",
        "checkin_list_id",
        "registration_id",
        "device_id",
        "kind",
        "method",
        "gate",
        "result",
        "scanned",
        "nonce_key",
        "response",
        "offline",
        "conflict",
    )
    return list(checkins), list(scans)


def test_a_batch_at_once_answers_and_records_as_scan_by_scan(scene):
    scanner = device_scanner(scene)
    scans = mixed_scans(scene)
    with transaction.atomic():
        one_by_one = []
        for options in scans:
            try:
                one_by_one.append(checkin_scan(scanner=scanner, **options))
            except CheckInError as error:
                one_by_one.append(error)
        expected_rows = recorded()
        transaction.set_rollback(True)
    assert not CheckIn.objects.exists()

    with CaptureQueriesContext(connection) as queries:
        at_once = checkin_scan_many(scanner=scanner, scans=scans)
    assert comparable(at_once) == comparable(one_by_one)
    assert recorded() == expected_rows
    # Device, six reads, two inserts, and the transaction's savepoint: not one per scan.
    assert len(queries.captured_queries) <= 11
    reasons = [a if isinstance(a, Exception) else a["reason"] for a in at_once]
    assert reasons[:3] == [None, "already_checked_in", None]
    assert isinstance(reasons[15], CheckInListNotFound)
    assert isinstance(reasons[16], CheckInForbidden)
    assert at_once[13] == at_once[0]  # the same nonce: the first answer, once
    khoa = CheckIn.objects.filter(registration=scene.khoa, checkin_list=scene.hall)
    assert list(khoa.order_by("id").values_list("kind", flat=True)) == ["entry", "exit"]
    # Refused what the device had admitted: scans 2, 7, 9 to 13, 15 and 19.
    assert ScanLog.objects.filter(conflict=True).count() == 9


def test_a_batch_costs_the_same_queries_for_ten_scans_or_a_hundred(scene):
    scanner = device_scanner(scene)
    guests = [RegistrationFactory(category=scene.delegate) for _ in range(100)]
    moment = timezone.now() - dt.timedelta(minutes=5)

    def queue(people, prefix):
        return [
            {"list_id": scene.hall.pk, "token": guest.token, "nonce": f"{prefix}{n}", "now": moment}
            for n, guest in enumerate(people)
        ]

    with CaptureQueriesContext(connection) as ten:  # five admitted, then the same five again
        checkin_scan_many(scanner=scanner, scans=queue(guests[:5] * 2, "a"))
    with CaptureQueriesContext(connection) as hundred:
        answers = checkin_scan_many(scanner=scanner, scans=queue(guests, "b"))
    assert len(hundred.captured_queries) == len(ten.captured_queries)
    assert [a["reason"] for a in answers] == ["already_checked_in"] * 5 + [None] * 95
    ids = [a["checkin"] for a in answers if a["status"] == "ok"]
    assert ids == sorted(ids)  # rows in the order of the scans
    assert CheckIn.objects.count() == 100
