"""A scanning device is a key to the door, not to the attendee list (issue 13, section 1):
search needs three letters and is throttled, badges print only for the device's own walk-ins,
walk-ins only where the organizer allowed them, devices expire, and the limits hold across
processes."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from events.models import Device, Registration
from tests.factories.checkin import RegistrationFactory, door_scene, pair_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return door_scene()


def get(client, url, token, **headers):
    return client.get(url, headers={"authorization": f"Bearer {token}", **headers})


def search(client, scene, query, token=None, **headers):
    return get(
        client,
        f"/api/checkin/search/?list={scene.hall.pk}&q={query}",
        token or scene.token,
        **headers,
    )


def walkin(client, token, **data):
    return client.post(
        "/api/checkin/walkins/",
        json.dumps(data),
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )


def test_search_needs_three_letters_after_folding(client, scene):
    for query in ("do", "Đỗ", "đ ỗ", " k h ", "09"):
        response = search(client, scene, query)
        assert response.status_code == 400, query
        assert response.json()["reason"] == "query_too_short"
    assert search(client, scene, "Đỗ t").status_code == 200


def test_search_answers_twenty_at_most_and_says_there_are_more(client, scene):
    for n in range(25):
        RegistrationFactory(category=scene.delegate, full_name=f"Nguyễn Văn Tên{n:02d}")
    body = search(client, scene, "nguyen van ten").json()
    assert len(body["results"]) == 20
    assert body["more"] is True
    assert "token" not in json.dumps(body)
    assert search(client, scene, "ten07").json()["more"] is False


def test_search_is_rate_limited_per_device_with_retry_after(client, scene, settings):
    settings.CHECKIN_SEARCH_RATE_LIMIT = "3/60"
    for _ in range(3):
        assert search(client, scene, "khoa").status_code == 200
    refused = search(client, scene, "khoa", **{"accept-language": "vi"})
    assert refused.status_code == 429
    assert refused.json()["reason"] == "rate_limited"
    assert (
        refused.json()["message"]
        == "Thiết bị này gửi quá nhiều yêu cầu. Hãy đợi một lát rồi thử lại."
    )
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Device.objects.get(pk=scene.device.pk).throttled_count == 1
    # Another device of the event has its own allowance.
    _device, other = pair_device(scene.event, "Máy 2")
    assert search(client, scene, "khoa", token=other).status_code == 200


def test_a_device_gets_no_badge_by_id(client, scene):
    for registration in (scene.khoa, scene.do):
        url = f"/api/checkin/registrations/{registration.pk}/badge.pdf"
        response = get(client, url, scene.token)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_a_device_prints_only_the_badge_of_its_own_walkin(client, scene):
    body = walkin(
        client,
        scene.token,
        list=scene.hall.pk,
        category=scene.delegate.pk,
        full_name="Vũ Thị Mới",
        email="moi@example.com",
    ).json()
    registration = Registration.objects.get(pk=body["registration"]["id"])
    assert registration.created_by_device_id == scene.device.pk
    url = body["registration"]["badge_url"]
    assert get(client, url, scene.token)["Content-Type"] == "application/pdf"
    _device, other = pair_device(scene.event, "Máy 2")
    assert get(client, url, other).status_code == 404
    # Hours later it is no walk-in "just registered" any more.
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=3)
    )
    assert get(client, url, scene.token).status_code == 404


def test_staff_need_the_badge_permission(client, scene):
    user = User.objects.create_user("cua", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_checkin"))
    client.force_login(user)
    url = f"/api/checkin/registrations/{scene.khoa.pk}/badge.pdf"
    assert client.get(url).status_code == 404
    user.user_permissions.add(Permission.objects.get(codename="change_registration"))
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_walkins_only_from_allowed_devices_into_public_admitted_categories(client, scene):
    data = {"full_name": "Lê Khách", "email": "khach@example.com"}
    _device, plain = pair_device(scene.event, "Máy không đăng ký")
    refused = walkin(client, plain, list=scene.hall.pk, category=scene.delegate.pk, **data)
    assert (refused.status_code, refused.json()["reason"]) == (403, "walkins_not_allowed")
    scene.vip.is_public = False
    scene.vip.save()
    invited_only = walkin(client, scene.token, list=scene.hall.pk, category=scene.vip.pk, **data)
    assert (invited_only.status_code, invited_only.json()["reason"]) == (
        403,
        "category_not_allowed",
    )
    # Lunch admits delegates and guests of honour, not the press.
    not_on_list = walkin(client, scene.token, list=scene.lunch.pk, category=scene.press.pk, **data)
    assert (not_on_list.status_code, not_on_list.json()["reason"]) == (403, "category_not_allowed")
    assert not Registration.objects.filter(email="khach@example.com").exists()


def test_walkins_are_capped_per_device(client, scene, settings):
    settings.CHECKIN_WALKIN_RATE_LIMIT = "2/3600"
    answers = [
        walkin(
            client,
            scene.token,
            list=scene.hall.pk,
            category=scene.delegate.pk,
            full_name=f"Khách Cửa {n}",
            email=f"cua{n}@example.com",
        )
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["reason"] == "rate_limited"
    assert answers[2]["Retry-After"]
    assert Registration.objects.filter(email__startswith="cua").count() == 2


def test_a_device_expires_a_day_after_its_event_and_is_then_refused(client, scene):
    device, token = pair_device(scene.event, "Máy hết hạn", expires_at=None)
    assert device.expires_at == scene.event.ends_at + dt.timedelta(days=1)
    assert get(client, "/api/checkin/lists/", token).status_code == 401
    scan = client.post(
        "/api/checkin/",
        json.dumps({"token": scene.khoa.token, "list": scene.hall.pk}),
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )
    assert scan.status_code == 401
    Device.objects.filter(pk=device.pk).update(expires_at=timezone.now() + dt.timedelta(hours=1))
    assert get(client, "/api/checkin/lists/", token).status_code == 200
    assert Device.objects.get(pk=device.pk).last_used_at is not None


def test_devices_list_shows_last_use_and_throttled_requests_and_revokes_in_one_click(
    client, scene, settings
):
    settings.CHECKIN_SEARCH_RATE_LIMIT = "1/60"
    search(client, scene, "khoa")
    search(client, scene, "khoa")
    admin = User.objects.create_superuser("admin", "admin@example.com", "x")
    client.force_login(admin)
    page = client.get(reverse("checkin_devices:index"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Điện thoại cổng 1" in html
    assert "device-revoke" in html
    response = client.post(
        reverse("checkin_devices:pair", args=[scene.device.pk]),
        {"action": "revoke", "next": "index"},
    )
    assert response.status_code == 302
    assert Device.objects.get(pk=scene.device.pk).revoked_at is not None
    assert get(client, "/api/checkin/lists/", scene.token).status_code == 401


def test_the_organizer_allows_walkins_and_keeps_an_expiry_in_the_device_form(client, scene):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "x"))
    _device, token = pair_device(scene.event, "Máy mới")
    device = Device.objects.get(name="Máy mới")
    assert device.may_register_walkins is False  # off by default
    url = reverse("checkin_devices:edit", args=[device.pk])
    empty = client.post(url, {"name": "Máy mới", "may_register_walkins": "on", "expires_at": ""})
    assert empty.status_code == 200  # refused: a device always expires
    assert Device.objects.get(pk=device.pk).expires_at is not None
    saved = client.post(
        url, {"name": "Máy mới", "may_register_walkins": "on", "expires_at": "2099-01-01 08:00"}
    )
    assert saved.status_code == 302
    assert Device.objects.get(pk=device.pk).may_register_walkins is True
    answer = walkin(
        client,
        token,
        list=scene.hall.pk,
        category=scene.delegate.pk,
        full_name="Khách Mới",
        email="khachmoi@example.com",
    )
    assert answer.status_code == 200
