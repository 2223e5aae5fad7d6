"""The self check-in kiosk (events/checkin/kiosk.py and its API): a guest's QR code, or their
email and the code of their confirmation email; wrong codes refused and slowed down; printing
the badge as an action of its own (counted, logged) on a page sized to the badge."""

import json
import re

import pytest
from django.core import mail

from core.models import ActivityEntry
from events.checkin.services import device_update
from events.enums import QuestionKind
from events.models import CheckIn, Registration, RegistrationQuestion, ScanLog
from events.models.registration import CHECKIN_CODE_ALPHABET, checkin_code
from events.services import registration_create
from tests.factories.checkin import door_scene, pair_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    scene = door_scene()
    scene.kiosk, scene.kiosk_token = pair_device(scene.event, "Ki-ốt sảnh", kiosk=True)
    device_update(device=scene.kiosk, kiosk_lists=[scene.hall])
    return scene


def post(client, url, data, token):
    return client.post(
        url,
        json.dumps(data),
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )


def kiosk(client, scene, device_token=None, **data):
    body = {"list": scene.hall.pk, **data}
    return post(client, "/api/checkin/kiosk/", body, device_token or scene.kiosk_token)


def test_codes_are_six_characters_of_the_alphabet_and_unique():
    codes = {checkin_code(n) for n in range(1, 20_001)}
    assert len(codes) == 20_000
    assert all(len(code) == 6 and set(code) <= set(CHECKIN_CODE_ALPHABET) for code in codes)
    assert checkin_code(7) == checkin_code(7)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("vi", "Mã tự check-in của bạn (tại ki-ốt ở lối vào, cùng địa chỉ email này): "),
        ("en", "Your self check-in code (at the kiosk at the entrance, with this email address): "),
    ],
)
def test_the_confirmation_email_carries_the_code(
    scene, language, line, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            event=scene.event,
            category=scene.delegate,
            full_name="Lý Thị Ngọc",
            email="ngoc@example.com",
            language=language,
            skip_email_confirmation=True,
        )
    (message,) = mail.outbox
    assert line + registration.checkin_code in message.body
    html = message.alternatives[0][0]
    assert f">{registration.checkin_code}</strong>" in html


def test_a_guest_checks_in_with_their_qr_code(client, scene):
    response = kiosk(client, scene, token=scene.khoa.token, nonce="k1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["registration"]["full_name"]) == ("ok", "Nguyễn Văn Khoa")
    assert body["print_ticket"]
    checkin = CheckIn.objects.get()
    assert (checkin.registration, checkin.by_device, checkin.method) == (
        scene.khoa,
        scene.kiosk,
        "scan",
    )


def test_a_guest_checks_in_with_email_and_code_in_any_case(client, scene):
    code = scene.khoa.checkin_code
    response = kiosk(
        client, scene, email="  KHOA.Nguyen@example.com", code=code.lower()[:3] + " " + code[3:]
    )
    body = response.json()
    assert (response.status_code, body["status"]) == (200, "ok")
    assert body["message"] == "Xin chào!"
    assert CheckIn.objects.get().method == "kiosk"
    again = kiosk(client, scene, email=scene.khoa.email, code=code).json()
    assert again["reason"] == "already_checked_in"
    assert again["print_ticket"]  # a guest already in may still print their badge


def test_a_wrong_code_is_refused_translated_and_changes_nothing(client, scene):
    wrong = kiosk(client, scene, email=scene.khoa.email, code="AAAAAA")
    assert (wrong.status_code, wrong.json()["reason"]) == (400, "code_invalid")
    assert wrong.json()["message"] == (
        "Email và mã này không khớp với đăng ký nào: hãy kiểm tra mã trong email xác nhận,"
        " hoặc hỏi tại quầy."
    )
    english = client.post(
        "/api/checkin/kiosk/",
        json.dumps({"list": scene.hall.pk, "email": scene.khoa.email, "code": "AAAAAA"}),
        content_type="application/json",
        headers={"authorization": f"Bearer {scene.kiosk_token}", "accept-language": "en"},
    )
    assert english.json()["message"].startswith("This email and code do not match")
    other_guests_code = kiosk(client, scene, email=scene.khoa.email, code=scene.do.checkin_code)
    assert other_guests_code.json()["reason"] == "code_invalid"
    assert not CheckIn.objects.exists()
    assert not ScanLog.objects.exists()


def test_email_and_code_attempts_are_rate_limited_per_kiosk(client, scene, settings):
    settings.CHECKIN_KIOSK_CODE_RATE_LIMIT = "3/300"
    for _ in range(3):
        assert kiosk(client, scene, email=scene.khoa.email, code="BBBBBB").status_code == 400
    limited = kiosk(client, scene, email=scene.khoa.email, code=scene.khoa.checkin_code)
    assert (limited.status_code, limited.json()["reason"]) == (429, "rate_limited")
    assert int(limited["Retry-After"]) > 0
    assert not CheckIn.objects.exists()
    assert kiosk(client, scene, token=scene.khoa.token).json()["status"] == "ok"  # QR: no limit


def test_only_a_kiosk_on_its_chosen_lists(client, scene):
    phone = kiosk(client, scene, token=scene.khoa.token, device_token=scene.token)
    assert (phone.status_code, phone.json()["reason"]) == (403, "not_a_kiosk")
    lunch = kiosk(client, scene, token=scene.khoa.token, list=scene.lunch.pk)
    assert (lunch.status_code, lunch.json()["reason"]) == (403, "forbidden")
    lists = client.get(
        "/api/checkin/lists/", headers={"authorization": f"Bearer {scene.kiosk_token}"}
    )
    assert lists.json()["kiosk"] is True
    (event,) = lists.json()["events"]
    assert [item["name"] for item in event["lists"]] == ["Hội trường chính"]
    assert not CheckIn.objects.exists()


def test_printing_is_its_own_action_counted_logged_on_an_a6_page(client, scene):
    ticket = kiosk(client, scene, token=scene.khoa.token).json()["print_ticket"]
    for expected in (1, 2):  # a reprint is allowed, and counted
        printed = post(client, "/api/checkin/kiosk/print/", {"ticket": ticket}, scene.kiosk_token)
        assert printed.status_code == 200, printed.content
        assert printed.json()["prints"] == expected
    assert Registration.objects.get(pk=scene.khoa.pk).badge_prints == 2
    entries = ActivityEntry.objects.filter(action="registration.badge_printed").order_by("id")
    assert [e.changes for e in entries] == [{"badge_prints": [0, 1]}, {"badge_prints": [1, 2]}]
    assert {(e.actor_kind, e.actor_label) for e in entries} == {("device", "Ki-ốt sảnh")}
    assert CheckIn.objects.count() == 1  # printing is not an entry

    page = client.get(printed.json()["url"])
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert '<h1 class="badge-name">Nguyễn Văn Khoa</h1>' in html
    assert '<p class="badge-org">Sở Thông tin và Truyền thông Hải Phòng</p>' in html
    assert '<p class="badge-category" style="background: #1d4ed8">Đại biểu</p>' in html
    assert "<svg" in html  # the badge's QR code
    stylesheet = re.search(r'href="(/static/css/kiosk-badge\.css)"', html).group(1)
    css = b"".join(client.get(stylesheet).streaming_content).decode()
    assert "@page { size: A6; margin: 0; }" in css
    assert ".badge {" in css and "width: 105mm; height: 148mm;" in css


def test_a_print_ticket_is_the_kiosks_and_only_for_a_while(client, scene, settings):
    ticket = kiosk(client, scene, token=scene.khoa.token).json()["print_ticket"]
    other, other_token = pair_device(scene.event, "Ki-ốt 2", kiosk=True)
    stolen = post(client, "/api/checkin/kiosk/print/", {"ticket": ticket}, other_token)
    assert (stolen.status_code, stolen.json()["reason"]) == (410, "print_expired")
    forged = post(client, "/api/checkin/kiosk/print/", {"ticket": ticket + "x"}, scene.kiosk_token)
    assert forged.status_code == 410
    assert client.get(f"/checkin/kiosk/badge/{ticket}x/").status_code == 410
    refused = kiosk(client, scene, token=scene.cancelled.token).json()
    assert refused["reason"] == "cancelled" and "print_ticket" not in refused
    assert Registration.objects.get(pk=scene.khoa.pk).badge_prints == 0


def test_the_printed_badge_carries_the_answer_the_event_prints_on_badges(client, scene):
    question = RegistrationQuestion.objects.create(
        event=scene.event,
        key="doan",
        kind=QuestionKind.SHORT_TEXT,
        label="Đơn vị / Đoàn",
        label_en="Delegation",
        print_on_badge=True,
    )
    Registration.objects.filter(pk=scene.khoa.pk).update(
        answers={question.answer_key: "Đoàn Sở TT&TT Hải Phòng"}
    )
    ticket = kiosk(client, scene, token=scene.khoa.token).json()["print_ticket"]
    printed = post(client, "/api/checkin/kiosk/print/", {"ticket": ticket}, scene.kiosk_token)
    html = client.get(printed.json()["url"]).content.decode()
    assert '<p class="badge-answer">Đoàn Sở TT&amp;TT Hải Phòng</p>' in html
