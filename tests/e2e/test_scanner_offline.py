"""The offline-first scanner in a real Chromium: it keeps a copy of the list, decides scans with
no network (keyboard wedge and camera), keeps its queue across a reload (the service worker
serves the page), sends it when the network is back; the server stays the judge."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from events.checkin.services import device_create, device_revoke
from events.models import CheckIn, ScanLog
from tests.e2e.test_scanner import badge_video, camera_browser, pair  # noqa: F401 (a fixture)
from tests.factories.checkin import RegistrationFactory, door_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_scanner(browser, live_server, token):
    # bypass_csp: Playwright's wait_for_function evaluates its predicate as a string, which the
    # site's CSP (no 'unsafe-eval') refuses; the scanner itself runs under the CSP in
    # tests/e2e/test_scanner.py and the a11y walk.
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    pair(page, token)
    page.wait_for_function("window.forumhallScanner && window.forumhallScanner.ready()")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


def wedge_scan(page, token):
    page.locator("#wedge").fill(token)
    page.locator("#wedge").press("Enter")


def wait_answer(page, name):
    page.wait_for_function(
        "name => !document.getElementById('answer').hidden"
        " && document.getElementById('answer-name').textContent === name",
        arg=name,
    )


def queued(page) -> int:
    return int(page.locator("#offline-banner").get_attribute("data-queued") or 0)


def test_offline_scans_survive_a_reload_and_reach_the_server_in_order(
    camera_browser,  # noqa: F811
    live_server,
):
    browser, video = camera_browser
    scene = door_scene()
    guests = [
        RegistrationFactory(category=scene.delegate, full_name=f"Khách ngoại tuyến {n:02d}")
        for n in range(20)
    ]
    camera_guest = RegistrationFactory(category=scene.press, full_name="Phạm Thị Camera")
    badge_video(camera_guest, video)
    context, page = open_scanner(browser, live_server, scene.token)

    context.set_offline(True)
    for guest in guests:
        wedge_scan(page, guest.token)
        wait_answer(page, guest.full_name)
        assert page.locator("#answer").get_attribute("class") == "answer answer-ok"
        assert page.locator("#answer-offline").is_visible()
        page.click("#answer")
    page.click("#camera-toggle")
    wait_answer(page, "Phạm Thị Camera")
    assert page.locator("#answer-offline").is_visible()
    page.click("#camera-toggle")  # off (remembered across the reload)
    assert queued(page) == 21
    assert "21" in page.locator("#offline-banner").inner_text()
    assert "ngoại tuyến" in page.locator("#offline-banner").inner_text().lower()
    assert not CheckIn.objects.exists()

    # A reload with no network: the service worker serves the scanner, the queue is still there.
    page.reload()
    page.wait_for_selector("#scanner[data-state='ready']")
    page.wait_for_function("window.forumhallScanner.ready()")
    page.wait_for_function("document.getElementById('offline-banner').dataset.queued === '21'")
    # The copy remembers this device's own offline entries: a second scan is "already".
    wedge_scan(page, guests[0].token)
    wait_answer(page, guests[0].full_name)
    assert page.locator("#answer").get_attribute("class") == "answer answer-warn"
    assert "thiết bị này" in page.locator("#answer-message").inner_text()
    assert queued(page) == 22

    context.set_offline(False)
    page.wait_for_function(
        "document.getElementById('offline-banner').hidden"
        " && document.getElementById('offline-banner').dataset.queued === '0'",
        timeout=30_000,
    )
    checkins = list(CheckIn.objects.order_by("id"))
    assert [c.registration_id for c in checkins] == [g.pk for g in [*guests, camera_guest]]
    assert [c.created_at for c in checkins] == sorted(c.created_at for c in checkins)
    assert all(c.offline and c.by_device_id == scene.device.pk for c in checkins)
    repeat = ScanLog.objects.get()
    assert (repeat.result, repeat.offline, repeat.conflict) == ("already_checked_in", True, False)
    context.close()


def test_two_devices_offline_admit_the_same_badge_once(browser, live_server):
    scene = door_scene()
    _tablet, tablet_token = device_create(
        event=scene.event,
        name="Máy tính bảng cổng 2",
        expires_at=timezone.now() + dt.timedelta(days=1),  # the 2023 scene's device outlives it
    )
    phone, phone_page = open_scanner(browser, live_server, scene.token)
    tablet, tablet_page = open_scanner(browser, live_server, tablet_token)
    phone.set_offline(True)
    tablet.set_offline(True)
    for page in (phone_page, tablet_page):
        wedge_scan(page, scene.khoa.token)
        wait_answer(page, "Nguyễn Văn Khoa")
        assert page.locator("#answer").get_attribute("class") == "answer answer-ok"
        assert page.locator("#answer-offline").is_visible()

    phone.set_offline(False)
    phone_page.wait_for_function("document.getElementById('offline-banner').hidden")
    tablet.set_offline(False)
    tablet_page.wait_for_function("document.getElementById('offline-banner').hidden")
    assert CheckIn.objects.get().registration == scene.khoa
    conflict = ScanLog.objects.get()
    assert (conflict.result, conflict.offline, conflict.conflict) == (
        "already_checked_in",
        True,
        True,
    )
    # The tablet is told that the server refused what it admitted.
    tablet_page.locator("#history li.history-warn", has_text="Nguyễn Văn Khoa").wait_for()

    # The arrivals board names the conflict.
    from django.contrib.auth.models import User

    organizer = User.objects.create_superuser("organizer", "o@example.com", "x")
    client = Client()
    client.force_login(organizer)
    board = client.get(f"/checkin/arrivals/{scene.event.pk}/").content.decode()
    assert 'data-figure="conflicts">1<' in board
    phone.close()
    tablet.close()


def test_a_revoked_device_loses_its_copy_and_queue(browser, live_server):
    scene = door_scene()
    context, page = open_scanner(browser, live_server, scene.token)
    context.set_offline(True)
    wedge_scan(page, scene.khoa.token)
    wait_answer(page, "Nguyễn Văn Khoa")
    stored = page.evaluate("ForumhallCheckinStore.queue().then(q => q.length)")
    assert stored == 1
    device_revoke(device=scene.device)
    context.set_offline(False)
    page.wait_for_selector("#scanner[data-wiped='yes']", timeout=30_000)
    assert "thu hồi" in page.locator("#scanner-notice").inner_text()
    left = page.evaluate(
        """listId => Promise.all([
            ForumhallCheckinStore.queue(),
            ForumhallCheckinStore.loadSnapshot(listId),
            ForumhallCheckinStore.getMeta('lists'),
        ]).then(([queue, snapshot, lists]) => [queue.length, snapshot || null, lists || null])""",
        scene.hall.pk,
    )
    assert left == [0, None, None]
    assert page.evaluate("localStorage.getItem('forumhall.checkin.device')") is None
    assert not CheckIn.objects.exists()  # a revoked device's queue is not trusted
    context.close()


def test_offline_search_is_blind_to_accents_and_an_old_copy_warns(browser, live_server, settings):
    settings.CHECKIN_OFFLINE_STALE_AFTER = 1
    settings.CHECKIN_SYNC_EVERY_MS = 500
    scene = door_scene()
    context, page = open_scanner(browser, live_server, scene.token)
    context.set_offline(True)
    stale = page.locator("#stale-banner")
    stale.wait_for(state="visible")
    assert "Chưa đồng bộ từ" in stale.inner_text()
    page.click("#search-button")
    page.fill("#search-input", "do thi ha")
    result = page.locator("#search-results li.result")
    result.wait_for()
    assert result.locator("strong").inner_text() == "Đỗ Thị Hà"
    result.locator("button").click()
    wait_answer(page, "Đỗ Thị Hà")
    assert page.locator("#answer-offline").is_visible()
    context.set_offline(False)
    page.wait_for_function("document.getElementById('offline-banner').hidden")
    stale.wait_for(state="hidden")
    checkin = CheckIn.objects.get()
    assert (checkin.registration, checkin.method, checkin.offline) == (scene.do, "manual", True)
    context.close()


def test_scanner_is_an_installable_web_app(page, live_server):
    door_scene()
    manifest = page.request.get("/checkin/manifest.webmanifest").json()
    assert manifest["start_url"] == "/checkin/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).status == 200
    worker = page.request.get("/checkin/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "/checkin/" in worker.text()
