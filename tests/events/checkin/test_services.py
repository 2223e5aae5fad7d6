"""The rules of a scan (services.checkin_scan / checkin_annul), on the real database."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from core.time import HCM
from events.checkin.services import (
    Scanner,
    checkin_annul,
    checkin_list_upsert,
    checkin_scan,
    device_authenticate,
    device_revoke,
)
from events.exceptions import (
    CheckInAlreadyAnnulled,
    CheckInForbidden,
    CheckInListClosesBeforeOpening,
    CheckInListForeignCategories,
    CheckInListNotFound,
)
from events.models import CheckIn, CheckInList, ScanLog
from events.services import registration_reissue_badge
from tests.factories.checkin import door_scene

pytestmark = pytest.mark.django_db

AT_0847 = dt.datetime(2023, 12, 27, 8, 47, 12, tzinfo=HCM)


@pytest.fixture
def scene():
    return door_scene()


def device_of(scene):
    return Scanner(device_id=scene.device.pk, event_id=scene.event.pk)


def test_scan_admits_a_confirmed_badge_once_then_says_already_checked_in(scene):
    first = checkin_scan(
        scanner=device_of(scene),
        list_id=scene.hall.pk,
        token=scene.khoa.token,
        gate="Cổng 2",
        now=AT_0847,
    )
    assert first["status"] == "ok"
    assert first["reason"] is None
    assert first["registration"]["full_name"] == "Nguyễn Văn Khoa"
    assert first["registration"]["organization"] == "Sở Thông tin và Truyền thông Hải Phòng"
    assert first["registration"]["category"]["name"] == "Đại biểu"
    assert first["checked_in_at"] == "2023-12-27T08:47:12+07:00"

    second = checkin_scan(
        scanner=device_of(scene),
        list_id=scene.hall.pk,
        token=scene.khoa.token,
        gate="Cổng 1",
        now=AT_0847 + dt.timedelta(minutes=20),
    )
    assert second["status"] == "error"
    assert second["reason"] == "already_checked_in"
    assert second["checked_in_at"] == "2023-12-27T08:47:12+07:00"
    assert second["gate"] == "Cổng 2"
    assert second["message"] == "Đã check-in lúc 08:47 (Cổng 2)."
    assert second["registration"]["full_name"] == "Nguyễn Văn Khoa"

    entry = CheckIn.objects.get()
    assert (entry.registration, entry.checkin_list, entry.kind) == (scene.khoa, scene.hall, "entry")
    assert (entry.gate, entry.by_device, entry.by_user) == ("Cổng 2", scene.device, None)
    assert entry.response["status"] == "ok"  # the answer, kept for a repeated nonce
    # Successful scans are the check-ins; failed ones go to the scan log.
    assert list(ScanLog.objects.values_list("result", flat=True)) == ["already_checked_in"]


def test_scan_on_a_reentry_list_admits_every_time(scene):
    answers = [
        checkin_scan(scanner=device_of(scene), list_id=scene.expo.pk, token=scene.khoa.token)
        for _ in range(3)
    ]
    assert [a["status"] for a in answers] == ["ok", "ok", "ok"]
    assert CheckIn.objects.filter(checkin_list=scene.expo).count() == 3


def test_switching_reentry_off_never_lets_a_guest_in_twice(scene):
    """An entry made while the list allowed re-entry still counts once re-entry is off."""
    scanner = device_of(scene)
    first = checkin_scan(scanner=scanner, list_id=scene.expo.pk, token=scene.khoa.token)
    assert first["status"] == "ok"
    scene.expo.allow_reentry = False
    scene.expo.save(update_fields=["allow_reentry"])
    again = checkin_scan(scanner=scanner, list_id=scene.expo.pk, token=scene.khoa.token)
    assert again["reason"] == "already_checked_in"
    assert again["checked_in_at"] == first["checked_in_at"]
    assert CheckIn.objects.filter(checkin_list=scene.expo).count() == 1


def test_exit_is_logged_and_does_not_reopen_a_list_without_reentry(scene):
    scanner = device_of(scene)
    checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token)
    out = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token, kind="exit")
    assert (out["status"], out["kind"], out["message"]) == ("ok", "exit", "Đã ghi nhận ra.")
    again = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token)
    assert again["reason"] == "already_checked_in"
    assert list(CheckIn.objects.order_by("id").values_list("kind", flat=True)) == ["entry", "exit"]


@pytest.mark.parametrize(
    ("who", "list_name", "reason"),
    [
        ("cancelled", "hall", "cancelled"),
        ("pending", "hall", "not_confirmed"),
        ("do", "lunch", "not_allowed"),
    ],
)
def test_scan_refuses_with_the_reason(scene, who, list_name, reason):
    registration = getattr(scene, who)
    answer = checkin_scan(
        scanner=device_of(scene),
        list_id=getattr(scene, list_name).pk,
        token=registration.token,
    )
    assert answer["status"] == "error"
    assert answer["reason"] == reason
    assert answer["registration"]["id"] == registration.pk
    assert CheckIn.objects.count() == 0
    log = ScanLog.objects.get()
    assert (log.result, log.registration, log.device) == (reason, registration, scene.device)


def test_lunch_admits_the_categories_it_lists(scene):
    answer = checkin_scan(scanner=device_of(scene), list_id=scene.lunch.pk, token=scene.khoa.token)
    assert answer["status"] == "ok"


def test_scan_outside_the_list_opening_hours_says_list_closed(scene):
    scene.lunch.opens_at = dt.datetime(2023, 12, 27, 11, 30, tzinfo=HCM)
    scene.lunch.closes_at = dt.datetime(2023, 12, 27, 13, 30, tzinfo=HCM)
    scene.lunch.save()
    scanner = device_of(scene)
    lunch, token = scene.lunch.pk, scene.khoa.token
    early = checkin_scan(scanner=scanner, list_id=lunch, token=token, now=AT_0847)
    assert early["reason"] == "list_closed"
    noon = dt.datetime(2023, 12, 27, 12, 0, tzinfo=HCM)
    assert (
        checkin_scan(scanner=scanner, list_id=scene.lunch.pk, token=scene.khoa.token, now=noon)[
            "status"
        ]
        == "ok"
    )


def test_badge_of_another_event_is_wrong_event_for_staff_and_invalid_for_a_device(scene):
    staff = Scanner(user_id=None)
    as_staff = checkin_scan(scanner=staff, list_id=scene.hall.pk, token=scene.stranger.token)
    assert (as_staff["reason"], as_staff["registration"]) == ("wrong_event", None)
    as_device = checkin_scan(
        scanner=device_of(scene), list_id=scene.hall.pk, token=scene.stranger.token
    )
    assert (as_device["reason"], as_device["registration"]) == ("invalid", None)
    assert CheckIn.objects.count() == 0
    # The other event's guest is not tied to this event's scan log.
    assert list(ScanLog.objects.values_list("registration", flat=True)) == [None, None]


@pytest.mark.parametrize(
    "token",
    [
        "",
        "x" * 10_000,
        "\x00\x01\x02binary\xff",
        "' OR 1=1; DROP TABLE events_checkin; --",
        "https://evil.example/?token=1",
        "A" * 32,  # well-formed but unknown
        "\ud800\udfff lone surrogates",
    ],
)
def test_malformed_tokens_are_invalid_and_only_logged(scene, token):
    answer = checkin_scan(scanner=device_of(scene), list_id=scene.hall.pk, token=token)
    assert answer["status"] == "error"
    assert answer["reason"] == "invalid"
    assert answer["registration"] is None
    assert answer["message"] == "Thẻ không hợp lệ"
    assert CheckIn.objects.count() == 0
    log = ScanLog.objects.get()
    assert log.result == "invalid"
    assert log.registration is None
    assert len(log.scanned) <= 80
    assert "\x00" not in log.scanned


def test_reissued_badge_old_token_is_invalid(scene):
    old = scene.khoa.token
    scene.khoa = registration_reissue_badge(registration=scene.khoa)
    assert scene.khoa.token != old
    scanner = device_of(scene)
    assert checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=old)["reason"] == "invalid"
    fresh = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token)
    assert fresh["status"] == "ok"


def test_same_nonce_twice_returns_the_first_answer_without_a_second_write(scene):
    scanner = device_of(scene)
    first = checkin_scan(
        scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token, nonce="n-1", now=AT_0847
    )
    replay = checkin_scan(
        scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token, nonce="n-1"
    )
    assert replay == first
    assert replay["status"] == "ok"
    assert CheckIn.objects.count() == 1
    assert ScanLog.objects.count() == 0
    # A new nonce is a new scan.
    assert (
        checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token, nonce="n-2")[
            "reason"
        ]
        == "already_checked_in"
    )


def test_nonce_of_a_failed_scan_replays_the_failure(scene):
    scanner = device_of(scene)
    first = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token="nope", nonce="n-9")
    again = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token="nope", nonce="n-9")
    assert again == first
    assert again["reason"] == "invalid"
    assert ScanLog.objects.count() == 1


def test_nonce_is_per_scanner(scene):
    first = checkin_scan(
        scanner=device_of(scene), list_id=scene.hall.pk, token=scene.khoa.token, nonce="same"
    )
    staff = checkin_scan(
        scanner=Scanner(user_id=None), list_id=scene.hall.pk, token=scene.do.token, nonce="same"
    )
    assert first["registration"]["full_name"] == "Nguyễn Văn Khoa"
    assert staff["registration"]["full_name"] == "Đỗ Thị Hà"


def test_device_cannot_use_another_events_list(scene):
    with pytest.raises(CheckInForbidden):
        checkin_scan(scanner=device_of(scene), list_id=scene.other_list.pk, token="x")
    with pytest.raises(CheckInListNotFound):
        checkin_scan(scanner=device_of(scene), list_id=999_999, token="x")
    assert ScanLog.objects.count() == 0


def test_annul_lets_the_badge_in_again_and_keeps_the_row(scene):
    scanner = device_of(scene)
    first = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token)
    undone = checkin_annul(checkin_id=first["checkin"], scanner=scanner, reason="Quét nhầm")
    assert undone.annul_reason == "Quét nhầm"
    assert undone.annulled_by_device == scene.device
    assert undone.annulled_at is not None
    again = checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token)
    assert again["status"] == "ok"
    assert CheckIn.objects.count() == 2
    assert CheckIn.objects.filter(annulled_at__isnull=True).count() == 1
    with pytest.raises(CheckInAlreadyAnnulled):
        checkin_annul(checkin_id=first["checkin"], scanner=scanner, reason="again")


def test_annul_by_another_events_device_is_forbidden(scene):
    first = checkin_scan(scanner=device_of(scene), list_id=scene.hall.pk, token=scene.khoa.token)
    other = Scanner(device_id=scene.other_device.pk, event_id=scene.other_event.pk)
    with pytest.raises(CheckInForbidden):
        checkin_annul(checkin_id=first["checkin"], scanner=other, reason="nope")
    assert CheckIn.objects.get().annulled_at is None


def test_device_token_is_stored_hashed_and_revocation_is_immediate(scene):
    assert scene.token.startswith("fhd_")
    assert scene.device.token_hash != scene.token
    assert scene.token not in scene.device.token_hash
    assert len(scene.device.token_hash) == 64
    found, expected = device_authenticate(token=scene.token), device_of(scene)
    assert (found.device_id, found.event_id) == (expected.device_id, expected.event_id)
    device_revoke(device=scene.device, now=timezone.now())
    assert device_authenticate(token=scene.token) is None


def test_deleting_a_registration_takes_its_entries_and_keeps_the_failed_scans(scene):
    scanner = device_of(scene)
    checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token)
    checkin_scan(scanner=scanner, list_id=scene.hall.pk, token=scene.khoa.token)  # already
    scene.khoa.delete()  # an erasure request
    assert CheckIn.objects.count() == 0
    log = ScanLog.objects.get()
    assert (log.result, log.registration) == ("already_checked_in", None)


# --- Lists ------------------------------------------------------------------------------------


def test_list_upsert_refuses_another_events_category_and_writes_nothing(scene):
    with pytest.raises(CheckInListForeignCategories) as refused, translation.override("vi"):
        checkin_list_upsert(
            event=scene.event, name="Khách VIP", categories=[scene.vip, scene.other_category]
        )
    assert refused.value.code == "categories_of_another_event"
    with translation.override("vi"):
        assert str(refused.value.message) == "Các loại đại biểu này thuộc sự kiện khác: Khách"
    assert not CheckInList.objects.filter(name="Khách VIP").exists()


def test_list_upsert_refuses_to_close_before_opening_and_writes_nothing(scene):
    opens = dt.datetime(2023, 12, 27, 12, 0, tzinfo=HCM)
    with pytest.raises(CheckInListClosesBeforeOpening):
        checkin_list_upsert(
            event=scene.event, name="Ăn tối", opens_at=opens, closes_at=opens, categories=[]
        )
    assert not CheckInList.objects.filter(name="Ăn tối").exists()
    created, _new = checkin_list_upsert(event=scene.event, name="Ăn tối", categories=[scene.vip])
    assert list(created.categories.all()) == [scene.vip]


def test_a_badge_typed_in_lower_case_is_admitted_and_logged_as_typed(scene):
    """A USB scanner with Caps Lock, or a guest typing the code: the badge's base32 token in
    lower case is the same badge; a lower-case code of no badge is still unknown."""
    typed = scene.khoa.token.lower()
    assert typed != scene.khoa.token
    first = checkin_scan(scanner=device_of(scene), list_id=scene.hall.pk, token=typed, nonce="l1")
    assert (first["status"], first["registration"]["id"]) == ("ok", scene.khoa.pk)
    again = checkin_scan(
        scanner=device_of(scene), list_id=scene.hall.pk, token=typed.title(), now=AT_0847
    )
    assert again["reason"] == "already_checked_in"
    assert ScanLog.objects.get().scanned == typed.title()
    unknown = checkin_scan(
        scanner=device_of(scene), list_id=scene.hall.pk, token="abcdefghijklmnopqrstuvwx"
    )
    assert unknown["reason"] == "invalid"
    assert CheckIn.objects.get().registration == scene.khoa
