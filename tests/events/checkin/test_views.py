"""Check-in pages and the admin: scanner shell, pairing, the arrivals board, devices (pairing
QR decoded for real), lists, read-only logs, walk-ins and badge printing, the demo."""

import datetime as dt
import io
import itertools
import json
import re
import subprocess

import pytest
import zxingcpp
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from pypdf import PdfReader

from core.pdf import render_html_to_pdf
from core.time import HCM
from events.checkin.admin import arrivals_menu_item, scanner_menu_item
from events.checkin.demo import load_checkin
from events.checkin.permissions import checkin_user_may_scan, checkin_user_may_watch
from events.checkin.services import (
    Scanner,
    checkin_scan,
    device_authenticate,
)
from events.demo import SEED_DAY, load_event
from events.models import CheckIn, CheckInList, Device, Event, Registration
from tests.factories.checkin import RegistrationFactory, door_scene, pair_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return door_scene()


@pytest.fixture
def organizer(client):
    user = User.objects.create_superuser("organizer", "o@example.com", "x")
    client.force_login(user)
    return user


def scan(scene, registration, checkin_list=None, **kwargs):
    scanner = Scanner(device_id=scene.device.pk, event_id=scene.event.pk)
    return checkin_scan(
        scanner=scanner,
        list_id=(checkin_list or scene.hall).pk,
        token=registration.token,
        **kwargs,
    )


# --- Scanner and pairing pages ----------------------------------------------------------------


def test_scanner_page_serves_the_local_decoder_and_no_cdn(client, scene):
    response = client.get("/checkin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script src="/static/vendor/jsqr/jsQR.js">' in html
    assert '<script src="/static/js/scanner.js">' in html
    # Nothing from another host: every script and stylesheet is ours.
    assets = re.findall(r'<script src="([^"]+)"|<link rel="stylesheet" href="([^"]+)"', html)
    assert assets
    assert all(url.startswith("/static/") for pair in assets for url in pair if url)
    config = json.loads(re.search(r'id="scanner-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["staff"] is False
    assert config["api"]["checkin"] == "/api/checkin/"
    assert config["api"]["walkin"] == "/api/checkin/walkins/"
    assert config["strings"]["cameraStart"] == "Bật camera"
    assert client.get("/static/vendor/jsqr/jsQR.js").status_code == 200


def test_scanner_page_in_english(client, scene):
    response = client.get("/en/checkin/")
    assert response.status_code == 200
    assert "Find a guest" in response.content.decode()
    config = json.loads(
        re.search(r'id="scanner-config"[^>]*>(.*?)</script>', response.content.decode()).group(1)
    )
    assert config["lang"] == "en"


def test_scanner_page_knows_door_staff(client, scene):
    user = User.objects.create_user("door", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_checkin"))
    client.force_login(user)
    html = client.get("/checkin/").content.decode()
    assert '"staff": true' in html


@pytest.mark.parametrize(
    ("permissions", "through_group", "may_scan", "may_watch"),
    [
        ([], False, False, False),
        (["view_checkin"], False, False, True),
        (["add_checkin"], False, True, True),
        (["add_checkin"], True, True, True),
    ],
)
def test_the_api_the_pages_and_the_menu_agree_on_who_is_door_staff(
    client, rf, scene, permissions, through_group, may_scan, may_watch
):
    user = User.objects.create_user("someone", password="x")
    granted = Permission.objects.filter(codename__in=permissions)
    if through_group:
        group = Group.objects.create(name="Cửa")
        group.permissions.set(granted)
        user.groups.add(group)
    else:
        user.user_permissions.set(granted)
    client.force_login(user)
    api = client.get("/api/checkin/lists/")
    assert (api.status_code == 200) is may_scan
    html = client.get("/checkin/").content.decode()
    assert (f'"staff": {str(may_scan).lower()}') in html
    arrivals = client.get(f"/checkin/arrivals/{scene.event.pk}/")
    assert arrivals.status_code == (200 if may_watch else 403)
    request = rf.get("/admin/")
    request.user = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as fresh:
        assert checkin_user_may_watch(request.user) is may_watch
    assert len(fresh.captured_queries) == 1  # one query, however the permission is held
    request.user.get_all_permissions()  # as the admin does before it draws its menus
    with CaptureQueriesContext(connection) as loaded:
        assert arrivals_menu_item().is_shown(request) is may_watch
        assert scanner_menu_item().is_shown(request) is may_watch
    assert loaded.captured_queries == []  # the menus read the loaded permissions
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not checkin_user_may_scan(User.objects.get(pk=user.pk))
    assert not checkin_user_may_watch(User.objects.get(pk=user.pk))


def test_pairing_page_keeps_the_token_out_of_the_server(client):
    response = client.get("/checkin/pair/")
    assert response.status_code == 200
    assert '<script src="/static/js/pair.js">' in response.content.decode()


# --- Arrivals board ---------------------------------------------------------------------------


def test_arrivals_board_needs_a_login(client, scene):
    response = client.get(f"/checkin/arrivals/{scene.event.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(User.objects.create_user("visitor", password="x"))
    assert client.get(f"/checkin/arrivals/{scene.event.pk}/").status_code == 403


def test_arrivals_board_shows_figures_chart_and_tables(client, scene, organizer):
    morning = dt.datetime(2023, 12, 27, 7, 55, tzinfo=HCM)
    scan(scene, scene.khoa, now=morning, gate="Cổng 1")
    scan(scene, scene.do, now=morning + dt.timedelta(minutes=21))
    scan(scene, scene.do, now=morning + dt.timedelta(minutes=40), kind="exit")
    scan(scene, scene.khoa, scene.expo, now=morning + dt.timedelta(minutes=30))

    response = client.get(f"/checkin/arrivals/{scene.event.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong data-figure="arrived">2</strong>' in html
    assert '<strong data-figure="inside">1</strong>' in html
    assert '<strong data-figure="expected">2</strong>' in html
    bars = re.findall(r'<g data-start="([^"]+)" data-count="(\d+)">', html)
    assert bars == [
        ("2023-12-27T07:50:00+07:00", "1"),
        ("2023-12-27T08:00:00+07:00", "0"),
        ("2023-12-27T08:10:00+07:00", "1"),
    ]
    hall_row = f'data-list="{scene.hall.pk}"><td>Hội trường chính</td><td class="num">2</td>'
    assert hall_row + '<td class="num">1</td>' in html  # 2 checked in, 1 inside (Đỗ went out)
    expo_row = f'data-list="{scene.expo.pk}"><td>Khu triển lãm</td><td class="num">1</td>'
    assert expo_row + '<td class="num">1</td>' in html
    assert 'src="/static/js/arrivals.js"' in html

    fragment = client.get(f"/checkin/arrivals/{scene.event.pk}/?fragment=1")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert '<strong data-figure="arrived">2</strong>' in fragment.content.decode()


def test_arrivals_board_in_english_names_the_event_and_categories_in_english(
    client, scene, organizer
):
    scene.event.name_en = "Hai Phong Digital Transformation Forum 2023"
    scene.event.save(update_fields=["name_en"])
    scene.delegate.name_en = "Delegate"
    scene.delegate.save(update_fields=["name_en"])
    html = client.get(f"/en/checkin/arrivals/{scene.event.pk}/").content.decode()
    assert '<p class="arrivals-event">Hai Phong Digital Transformation Forum 2023</p>' in html
    assert f'data-category="{scene.delegate.pk}"><td><span class="swatch"' in html
    assert "</span>Delegate</td>" in html
    # Without an English name, the Vietnamese one, marked for screen readers.
    assert f'data-category="{scene.press.pk}"><td lang="vi"><span class="swatch"' in html
    assert "</span>Báo chí</td>" in html
    index = client.get("/en/checkin/arrivals/").content.decode()
    board = f"/en/checkin/arrivals/{scene.event.pk}/"
    assert f'<a href="{board}">Hai Phong Digital Transformation Forum 2023</a>' in index
    other_board = f"/en/checkin/arrivals/{scene.other_event.pk}/"
    assert f'<a href="{other_board}"><span lang="vi">Hội thảo khác</span></a>' in index
    vietnamese = client.get(f"/checkin/arrivals/{scene.event.pk}/").content.decode()
    assert '<p class="arrivals-event">Diễn đàn Chuyển đổi số Hải Phòng 2023</p>' in vietnamese
    assert f'data-category="{scene.press.pk}"><td><span class="swatch"' in vietnamese


def test_arrivals_board_is_drawn_in_the_admins_look_titled_arrivals(client, scene, organizer):
    html = client.get(f"/checkin/arrivals/{scene.event.pk}/").content.decode()
    assert "data-wagtail-sidebar" in html  # the admin's shell and menu
    assert 'class="site-header"' not in html  # not the public site's header
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.split(" - ")[0].strip() == "Theo dõi khách đến"
    assert "trực tiếp" not in html  # "Khách đến trực tiếp" read as walk-ins
    index = client.get("/checkin/arrivals/").content.decode()  # two events with lists
    assert "data-wagtail-sidebar" in index
    assert f'<a href="/checkin/arrivals/{scene.event.pk}/">{scene.event.name}</a>' in index


def test_arrivals_chart_keeps_its_size_and_spaces_its_time_labels(client, scene, organizer):
    start = dt.datetime(2023, 12, 27, 7, 30, tzinfo=HCM)
    for n, minutes in enumerate((0, 10, 20, 40, 60)):  # five buckets: every bar's label fitted
        guest = RegistrationFactory(category=scene.press, full_name=f"Khách {n}")
        scan(scene, guest, now=start + dt.timedelta(minutes=minutes))
    html = client.get(f"/checkin/arrivals/{scene.event.pk}/?fragment=1").content.decode()
    svg = re.search(r'<svg viewBox="0 -14 (\d+) (\d+)" width="(\d+)" height="(\d+)"', html)
    assert svg.group(1) == svg.group(3) and svg.group(2) == svg.group(4)  # drawn 1:1
    labels = re.findall(r'<text x="(\d+)" y="174">(\d\d:\d\d)</text>', html)
    assert [label for _x, label in labels] == ["07:30", "07:50", "08:10", "08:30"]
    xs = [int(x) for x, _label in labels]
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 40  # an "07:30" is 30 px wide
    assert xs[-1] + 40 <= int(svg.group(1))  # the last label inside the picture
    css = (settings.BASE_DIR / "static/css/checkin.css").read_text()
    assert "min-width: 100%" not in css  # what stretched it to the page's width


def test_arrivals_board_queries_do_not_grow_with_guests_or_lists(
    client, scene, organizer, django_assert_num_queries
):
    scan(scene, scene.khoa)
    url = f"/checkin/arrivals/{scene.event.pk}/?fragment=1"
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # Session, user, then the figures; the ten latest check-ins fetch their guests and lists
    # apart (two small queries, rather than joining every check-in of the day first).
    assert len(few.captured_queries) <= 15
    for n in range(12):
        guest = RegistrationFactory(category=scene.press, full_name=f"Khách mời {n}")
        scan(scene, guest)
        scan(scene, guest, scene.expo)
    for n in range(4):
        CheckInList.objects.create(event=scene.event, name=f"Hội thảo {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert '<strong data-figure="arrived">13</strong>' in response.content.decode()


def test_event_stats_api(client, scene):
    scan(scene, scene.khoa)
    response = client.get(
        f"/api/checkin/events/{scene.event.pk}/stats/",
        headers={"authorization": f"Bearer {scene.token}"},
    )
    assert response.json()["arrived"] == 1
    other = client.get(
        f"/api/checkin/events/{scene.event.pk}/stats/",
        headers={"authorization": f"Bearer {scene.other_token}"},
    )
    assert other.status_code == 403


# --- Admin ------------------------------------------------------------------------------------


def test_admin_creates_a_device_and_shows_its_pairing_qr_once(client, scene, organizer):
    response = client.post(
        "/admin/checkin_devices/new/",
        # The scene's event was in 2023: by default its devices expired a day after it.
        {"event": scene.event.pk, "name": "iPad cổng 2", "expires_at": "2099-01-01 08:00"},
    )
    device = Device.objects.get(name="iPad cổng 2")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/checkin_devices/pair/{device.pk}/"
    assert device.created_by == organizer

    page = client.get(response["Location"]).content.decode()
    link = re.search(r'id="pairing-link"', page) and re.search(
        r'value="(http://127\.0\.0\.1:8000/checkin/pair/#(fhd_[^"]+))"', page
    )
    url, token = link.groups()
    assert token not in device.token_hash
    found = device_authenticate(token=token)
    assert (found.device_id, found.event_id) == (device.pk, scene.event.pk)
    # The QR on the page is the same link, decoded for real.
    svg = re.search(r'class="checkin-pair-qr">(<svg.*?</svg>)', page, re.S).group(1)
    pdf = render_html_to_pdf(f"<html><body>{svg}</body></html>")
    png = subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded.text == url
    # Shown once: a reload no longer has it.
    assert token not in client.get(response["Location"]).content.decode()


def test_admin_revokes_and_re_pairs_a_device(client, scene, organizer):
    url = f"/admin/checkin_devices/pair/{scene.device.pk}/"
    client.post(url, {"action": "revoke"})
    assert device_authenticate(token=scene.token) is None
    scene.device.refresh_from_db()
    assert scene.device.revoked_at is not None

    client.post(url, {"action": "rotate"})
    page = client.get(url).content.decode()
    token = re.search(r"#(fhd_[A-Za-z0-9_-]+)", page).group(1)
    assert device_authenticate(token=token) is not None
    assert device_authenticate(token=scene.token) is None


def test_pairing_page_needs_the_change_permission(client, scene):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(f"/admin/checkin_devices/pair/{scene.device.pk}/").status_code in (302, 403)


def test_admin_list_form_refuses_another_events_category(client, scene, organizer):
    response = client.post(
        "/admin/checkin_lists/new/",
        {
            "event": scene.event.pk,
            "name": "VIP",
            "categories": [scene.other_category.pk],
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert "thuộc sự kiện khác" in response.content.decode()
    assert not CheckInList.objects.filter(name="VIP").exists()


def test_admin_list_form_refuses_to_close_before_opening(client, scene, organizer):
    response = client.post(
        "/admin/checkin_lists/new/",
        {
            "event": scene.event.pk,
            "name": "Ăn tối",
            "opens_at": "2023-12-27 18:00",
            "closes_at": "2023-12-27 17:00",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert "Giờ đóng phải sau giờ mở." in response.content.decode()
    assert not CheckInList.objects.filter(name="Ăn tối").exists()


def test_admin_logs_are_read_only_and_exportable(client, scene, organizer):
    scan(scene, scene.khoa, gate="Cổng 2")
    scan(scene, scene.cancelled)
    index = client.get("/admin/checkin_log/")
    assert index.status_code == 200
    assert "Nguyễn Văn Khoa" in index.content.decode()
    assert client.get("/admin/checkin_log/new/").status_code in (302, 403)
    checkin = CheckIn.objects.get()
    assert client.get(f"/admin/checkin_log/edit/{checkin.pk}/").status_code in (302, 403)
    export = client.get("/admin/checkin_log/?export=csv")
    assert export.status_code == 200
    assert "Cổng 2" in b"".join(export.streaming_content).decode()
    failed = client.get("/admin/checkin_failed_scans/")
    assert "Trần Văn Hủy" in failed.content.decode()


def test_admin_menu_has_the_checkin_group(client, organizer):
    html = client.get("/admin/").content.decode()
    for url in ("/admin/checkin_lists/", "/admin/checkin_devices/", "/checkin/arrivals/"):
        assert url in html


# --- Walk-ins ---------------------------------------------------------------------------------


def walkin(client, scene, **data):
    """POST a walk-in from the scene's device: at the hall, as a delegate, unless told."""
    body = {"list": scene.hall.pk, "category": scene.delegate.pk, **data}
    return client.post(
        "/api/checkin/walkins/",
        json.dumps(body),
        content_type="application/json",
        headers={"authorization": f"Bearer {scene.token}"},
    )


def test_walkin_registers_checks_in_and_prints_a_real_badge(client, scene):
    response = walkin(
        client,
        scene,
        full_name="Vũ Thị Ánh Tuyết",
        email="tuyet@example.com",
        phone="0987 654 321",
        organization="Cảng Hải Phòng",
        gate="Cổng 1",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    registration = Registration.objects.get(email="tuyet@example.com")
    assert registration.status == "confirmed"
    assert registration.phone == "+84987654321"
    # Registered by staff at the door: the guest ticked no consent box (their manage page asks).
    assert (registration.data_basis, registration.consent_at) == ("walkin", None)
    assert body["checkin"]["status"] == "ok"
    assert body["checkin"]["registration"]["full_name"] == "Vũ Thị Ánh Tuyết"
    checkin = CheckIn.objects.get(registration=registration)
    assert (checkin.method, checkin.gate, checkin.by_device) == ("walkin", "Cổng 1", scene.device)

    auth = {"authorization": f"Bearer {scene.token}"}
    pdf = client.get(body["registration"]["badge_url"], headers=auth)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'inline; filename="badge-vu-thi-anh-tuyet.pdf"'
    assert "no-store" in pdf["Cache-Control"]  # the badge carries the QR secret
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Vũ Thị Ánh Tuyết" in text
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
    png = subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", "-"],
        input=pdf.content,
        capture_output=True,
        check=True,
    ).stdout
    (qr,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert qr.text == registration.token
    other = client.get(
        body["registration"]["badge_url"], headers={"authorization": f"Bearer {scene.other_token}"}
    )
    assert other.status_code == 404  # only the device that registered the walk-in prints it


def test_a_walkin_sent_again_with_its_nonce_gets_its_first_answer(client, scene):
    """A phone that lost the answer sends the walk-in again: same answer, one guest, one entry."""
    first = walkin(client, scene, full_name="Hồ Văn Lặp", email="lap@example.com", nonce="w-1")
    again = walkin(client, scene, full_name="Hồ Văn Lặp", email="lap@example.com", nonce="w-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["checkin"] == first.json()["checkin"]
    assert again.json()["registration"]["id"] == first.json()["registration"]["id"]
    assert Registration.objects.filter(email="lap@example.com").count() == 1
    assert CheckIn.objects.filter(registration__email="lap@example.com").count() == 1
    other_nonce = walkin(client, scene, full_name="Hồ Văn Lặp", email="lap@example.com")
    assert other_nonce.json()["reason"] == "already_registered"


def test_a_walkin_with_the_nonce_of_an_invalid_scan_is_refused_not_a_500(client, scene):
    """Scans and walk-ins share a scanner's nonces: one first spent on an unknown badge holds
    no guest to answer with."""
    scan = client.post(
        "/api/checkin/",
        json.dumps({"token": "NOT-A-BADGE-0000000000", "list": scene.hall.pk, "nonce": "n-7"}),
        content_type="application/json",
        headers={"authorization": f"Bearer {scene.token}"},
    )
    assert scan.json()["reason"] == "invalid"
    again = walkin(client, scene, full_name="Lê Văn Mới", email="moi@example.com", nonce="n-7")
    assert (again.status_code, again.json()["reason"]) == (409, "nonce_used")
    assert again.json()["message"] == (
        "Mã nonce này đã được dùng cho một yêu cầu khác: hãy gửi mã mới."
    )
    assert not Registration.objects.filter(email="moi@example.com").exists()


def test_walkin_errors_are_json_and_change_nothing(client, scene):
    same = walkin(client, scene, full_name="Người Trùng", email=scene.khoa.email)
    assert (same.status_code, same.json()["reason"]) == (400, "already_registered")
    foreign = walkin(
        client, scene, category=scene.other_category.pk, full_name="Người Lạ", email="la@x.vn"
    )
    assert (foreign.status_code, foreign.json()["reason"]) == (400, "category_not_available")
    bad_phone = walkin(client, scene, full_name="Số Sai", email="sai@x.vn", phone="abc")
    assert (bad_phone.status_code, bad_phone.json()["reason"]) == (400, "invalid_phone")
    assert not Registration.objects.filter(email__in=["la@x.vn", "sai@x.vn"]).exists()
    assert CheckIn.objects.count() == 0


def test_walkin_when_the_category_is_full_is_waitlisted_not_checked_in(client, scene):
    scene.press.capacity = 1
    scene.press.save()
    response = walkin(
        client, scene, category=scene.press.pk, full_name="Phóng Viên Muộn", email="muon@x.vn"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["checkin"] is None
    assert (body["admitted"], body["registration"]["badge_url"]) == (False, None)
    assert body["registration"]["status"] == "waitlisted"
    assert body["registration"]["category"]["name"] == "Báo chí"
    assert body["message"] == "Đã vào danh sách chờ: hạng này đã đủ chỗ. Chưa được vào."
    assert Registration.objects.get(email="muon@x.vn").status == "waitlisted"
    assert CheckIn.objects.count() == 0


# --- Demo -------------------------------------------------------------------------------------


def test_demo_checkin_is_idempotent_and_checks_in_the_morning(db):
    event = load_event(day=SEED_DAY)
    first = load_checkin(event)
    names = [item.name for item in first["lists"]]
    assert names == ["Hội trường chính", "Khu triển lãm", "Ăn trưa"]
    assert first["pairing_link"].startswith("http://127.0.0.1:8000/checkin/pair/#fhd_")
    category = event.categories.create(name="Đại biểu", slug="dai-bieu")
    for n in range(20):
        RegistrationFactory(category=category, full_name=f"Đại biểu {n}")
    again = load_checkin(event)
    assert again["pairing_link"] == ""
    assert again["device"] == first["device"]
    assert 5 <= again["arrivals"] <= 20
    assert CheckIn.objects.filter(checkin_list=first["lists"][0]).count() == again["arrivals"]
    third = load_checkin(event)
    assert third["arrivals"] == 0
    assert CheckInList.objects.filter(event=event).count() == 3
    assert Device.objects.filter(event=event).count() == 1
    assert mail.outbox == []


def test_demo_checkin_arrivals_fall_in_the_hanoi_morning_of_the_forum(db):
    # As `load_demo` sees it on a second run: read back from the database, in UTC.
    event = Event.objects.get(pk=load_event(day=SEED_DAY).pk)
    category = event.categories.create(name="Đại biểu", slug="dai-bieu")
    for n in range(20):
        RegistrationFactory(category=category, full_name=f"Đại biểu {n}")
    result = load_checkin(event)
    assert result["arrivals"] >= 5
    hall, expo, _lunch = result["lists"]
    entries = [c.created_at.astimezone(HCM) for c in CheckIn.objects.filter(checkin_list=hall)]
    assert len(entries) == result["arrivals"]
    assert {moment.date() for moment in entries} == {dt.date(2023, 12, 27)}
    assert all(dt.time(7, 30) <= moment.time() <= dt.time(9, 0) for moment in entries)
    visits = [c.created_at.astimezone(HCM) for c in CheckIn.objects.filter(checkin_list=expo)]
    assert visits
    assert all(moment.date() == dt.date(2023, 12, 27) for moment in visits)
    assert all(dt.time(8, 30) <= moment.time() < dt.time(12, 0) for moment in visits)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/checkin_log/",
        "/admin/checkin_failed_scans/",
        "/admin/checkin_devices/",
        "/admin/checkin_lists/",
    ],
)
def test_admin_listings_take_as_many_queries_for_one_row_as_for_many(client, scene, organizer, url):
    scan(scene, scene.khoa)
    scan(scene, scene.cancelled)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    for n in range(8):
        guest = RegistrationFactory(category=scene.delegate, full_name=f"Khách {n}")
        scan(scene, guest, gate=f"Cổng {n}")
        scan(scene, guest, scene.lunch)
        scan(scene, guest, scene.lunch)  # already checked in: a failed scan
        pair_device(scene.event, f"Máy {n}")
        CheckInList.objects.create(event=scene.event, name=f"Phiên {n}").categories.set(
            [scene.delegate, scene.press]
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries), [
        q["sql"] for q in many.captured_queries
    ]


def test_admin_keeps_a_list_that_has_check_ins(client, scene, organizer):
    scan(scene, scene.khoa)
    response = client.post(f"/admin/checkin_lists/delete/{scene.hall.pk}/")
    assert response.status_code == 302
    assert CheckInList.objects.filter(pk=scene.hall.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "không thể xóa" in page
    empty = client.post(f"/admin/checkin_lists/delete/{scene.expo.pk}/")
    assert empty.status_code == 302
    assert not CheckInList.objects.filter(pk=scene.expo.pk).exists()
