"""The door scanner in a real Chromium: a real badge seen by a fake camera (a y4m video made from
the badge PDF), a USB scanner typing the token and Enter, search with check-in and undo, a
walk-in, and the arrivals board refreshing itself."""

import io
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from events.enums import QuestionKind
from events.models import CheckIn, Registration, RegistrationQuestion
from events.pdf.badges import badge_render_pdf
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories.checkin import RegistrationFactory, door_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 640, 480


def badge_video(registration: Registration, path, frames: int = 20) -> None:
    """The registration's real A6 badge (PDF -> PNG with pdftoppm) on a 640×480 grey frame,
    written as a YUV4MPEG2 video: a header, then per frame FRAME, the Y plane and two planes
    of 128 (no colour)."""
    pdf = badge_render_pdf(registration=registration)
    png = subprocess.run(
        ["pdftoppm", "-r", "110", "-png", "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    badge = Image.open(io.BytesIO(png)).convert("L")
    badge.thumbnail((WIDTH - 40, HEIGHT - 20))
    frame = Image.new("L", (WIDTH, HEIGHT), 200)
    frame.paste(badge, ((WIDTH - badge.width) // 2, (HEIGHT - badge.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_browser(browser, tmp_path):
    """A second Chromium (from the session's Playwright) whose camera films the file
    ``tmp_path / 'badge.y4m'``, written by the test before the page opens the camera."""
    video = tmp_path / "badge.y4m"
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    yield camera, video
    camera.close()


def pair(page, token: str) -> None:
    """Open the pairing link, as the device would, and land on the scanner."""
    page.goto(f"/checkin/pair/#{token}")
    page.wait_for_url("**/checkin/")
    page.wait_for_selector("#scanner[data-state='ready']")


def test_camera_reads_a_real_badge_green_then_already_checked_in(
    camera_browser, live_server, tmp_path
):
    browser, video = camera_browser
    scene = door_scene()
    badge_video(scene.khoa, video)
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    pair(page, scene.token)
    assert page.locator("#list-select option:checked").inner_text() == "Hội trường chính"
    page.click("#camera-toggle")

    answer = page.locator("#answer.answer-ok")
    answer.wait_for(state="visible")
    assert page.locator("#answer-name").inner_text() == "Nguyễn Văn Khoa"
    assert page.locator("#answer-category").inner_text() == "Đại biểu"
    assert page.locator("#answer-message").inner_text() == "Xin chào!"
    checkin = CheckIn.objects.get()
    assert (checkin.registration, checkin.checkin_list, checkin.by_device) == (
        scene.khoa,
        scene.hall,
        scene.device,
    )

    # Second pass: the scanner opens again (camera on, remembered) and sees the same badge.
    page.reload()
    warn = page.locator("#answer.answer-warn")
    warn.wait_for(state="visible")
    assert page.locator("#answer-name").inner_text() == "Nguyễn Văn Khoa"
    expected = checkin.created_at.astimezone(scene.event.starts_at.tzinfo).strftime("%H:%M")
    assert page.locator("#answer-message").inner_text() == f"Đã check-in lúc {expected}."
    assert CheckIn.objects.count() == 1
    context.close()


def test_usb_scanner_types_the_token_and_enter(page, live_server):
    scene = door_scene()
    pair(page, scene.token)
    page.select_option("#gate-select", "Cổng 2")
    assert page.evaluate("document.activeElement.id") == "wedge"  # ready without a tap

    page.keyboard.type(scene.do.token, delay=2)  # a scanner types fast, then Enter
    page.keyboard.press("Enter")
    page.locator("#answer.answer-ok").wait_for(state="visible")
    assert page.locator("#answer-name").inner_text() == "Đỗ Thị Hà"
    assert page.locator("#answer-org").inner_text() == "Báo Hải Phòng"
    page.locator("#answer").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "wedge"

    page.keyboard.type(scene.do.token, delay=2)
    page.keyboard.press("Enter")
    page.locator("#answer.answer-warn").wait_for(state="visible")
    assert "(Cổng 2)" in page.locator("#answer-message").inner_text()
    page.click("#answer")  # a tap dismisses it at once

    page.keyboard.type("not-a-badge", delay=2)
    page.keyboard.press("Enter")
    page.locator("#answer.answer-bad").wait_for(state="visible")
    assert page.locator("#answer-message").inner_text() == "Thẻ không hợp lệ"
    page.click("#answer")

    page.keyboard.type(scene.cancelled.token, delay=2)
    page.keyboard.press("Enter")
    page.locator("#answer.answer-bad").wait_for(state="visible")
    assert page.locator("#answer-message").inner_text() == "Đăng ký đã bị hủy"
    assert CheckIn.objects.get().gate == "Cổng 2"


def test_an_english_scanner_names_categories_in_english_or_marks_the_vietnamese(page, live_server):
    scene = door_scene()
    scene.delegate.name_en = "Delegate"
    scene.delegate.save(update_fields=["name_en"])
    pair(page, scene.token)
    page.goto("/en/checkin/")
    page.wait_for_selector("#scanner[data-state='ready']")

    page.keyboard.type(scene.khoa.token, delay=2)
    page.keyboard.press("Enter")
    page.locator("#answer.answer-ok").wait_for(state="visible")
    category = page.locator("#answer-category")
    assert (category.text_content(), category.get_attribute("lang")) == ("Delegate", None)
    page.click("#answer")

    page.keyboard.type(scene.do.token, delay=2)  # Báo chí has no English name
    page.keyboard.press("Enter")
    page.locator("#answer.answer-ok").wait_for(state="visible")
    assert (category.text_content(), category.get_attribute("lang")) == ("Báo chí", "vi")
    options = page.locator("#walkin-category option")
    labels = {options.nth(i).text_content(): options.nth(i).get_attribute("lang") for i in range(3)}
    assert labels == {"Delegate": None, "Báo chí": "vi", "Khách mời": "vi"}


def test_search_without_accents_check_in_and_undo(page, live_server):
    scene = door_scene()
    pair(page, scene.token)
    page.click("#search-button")
    page.fill("#search-input", "nguyen van khoa")
    result = page.locator("#search-results li.result")
    result.wait_for()
    assert result.locator("strong").inner_text() == "Nguyễn Văn Khoa"
    assert "Chưa check-in" in result.inner_text()
    result.locator("button").click()
    page.locator("#answer.answer-ok").wait_for(state="visible")
    assert CheckIn.objects.get().method == "manual"
    page.click("#answer")

    page.click("#undo-button")
    page.select_option("#undo-reason-choice", "Nhầm người")
    page.click("#undo-form button[type=submit]")
    page.locator("#history li", has_text="Đã hoàn tác check-in").wait_for()
    checkin = CheckIn.objects.get()
    assert checkin.annul_reason == "Nhầm người"
    assert checkin.annulled_by_device == scene.device
    assert page.locator("#undo-button").is_disabled()


def walk_in(page, scene, name: str, email: str, level: str) -> None:
    """Pair the phone (390×844), register the walk-in ``name`` as press, and wait for the
    answer of ``level``: the dialog has closed (a second tap would register the guest again)."""
    page.set_viewport_size({"width": 390, "height": 844})
    pair(page, scene.token)
    page.click("#walkin-button")
    page.fill("#walkin-form [name=full_name]", name)
    page.fill("#walkin-form [name=email]", email)
    page.fill("#walkin-form [name=organization]", "FPT")
    page.select_option("#walkin-category", label="Báo chí")
    page.click("#walkin-form button[type=submit]")
    page.locator(f"#answer.answer-{level}").wait_for(state="visible")
    expect(page.locator("#walkin-panel")).not_to_have_attribute("open", "")
    assert page.locator("#answer-name").inner_text() == name


def test_walk_in_registered_and_checked_in_at_the_door(page, live_server):
    scene = door_scene()
    walk_in(page, scene, "Hoàng Minh Cường", "cuong@example.com", "ok")  # green, badge to print
    assert page.locator("#answer-message").inner_text() == "Xin chào!"
    expect(page.locator("#answer-print")).to_be_visible()
    assert page.locator("#answer-print").inner_text() == "In thẻ"
    registration = Registration.objects.get(email="cuong@example.com")
    assert registration.status == "confirmed"
    assert registration.category == scene.press
    assert CheckIn.objects.get(registration=registration).method == "walkin"


def test_a_waitlisted_walk_in_is_amber_not_admitted_and_gets_no_badge(page, live_server):
    scene = door_scene()
    scene.press.capacity = 1  # Đỗ Thị Hà holds the one seat
    scene.press.save()
    walk_in(page, scene, "Phóng Viên Muộn", "muon@example.com", "warn")
    assert page.locator("#answer-message").inner_text() == (
        "Đã vào danh sách chờ: hạng này đã đủ chỗ. Chưa được vào."
    )
    expect(page.locator("#answer-print")).to_be_hidden()
    assert page.locator("#history li").first.get_attribute("class") == "history-warn"
    assert Registration.objects.get(email="muon@example.com").status == "waitlisted"
    assert not CheckIn.objects.exists()


def test_a_walk_in_answers_the_required_questions_of_their_category(page, live_server):
    """The door asks the event's required questions: one for every category (the delegation),
    one for the press only (the outlet's kind, one choice), none of the optional ones."""
    scene = door_scene()
    delegation = RegistrationQuestion.objects.create(
        event=scene.event, key="doan", label="Đơn vị / Đoàn", required=True, sort_order=1
    )
    outlet = RegistrationQuestion.objects.create(
        event=scene.event,
        key="loai-bao",
        label="Loại hình báo",
        kind=QuestionKind.CHOICE,
        choices="in | Báo in | Print\ndien-tu | Báo điện tử | Online",
        required=True,
        sort_order=2,
    )
    outlet.categories.set([scene.press])
    RegistrationQuestion.objects.create(event=scene.event, key="ghi-chu", label="Ghi chú")
    page.set_viewport_size({"width": 390, "height": 844})
    pair(page, scene.token)
    page.click("#walkin-button")
    questions = page.locator("#walkin-questions > :not([hidden])")
    page.select_option("#walkin-category", label="Đại biểu")
    expect(questions).to_have_count(1)  # the press question hidden, the optional one not asked
    page.select_option("#walkin-category", label="Báo chí")
    expect(questions).to_have_count(2)
    page.fill("#walkin-form [name=full_name]", "Vũ Thị Lan")
    page.fill("#walkin-form [name=email]", "lan@example.com")
    page.click("#walkin-form button[type=submit]")  # the browser asks for the answers first
    expect(page.locator("#walkin-panel")).to_have_attribute("open", "")
    page.get_by_label("Đơn vị / Đoàn").fill("Báo Hải Phòng")
    page.get_by_label("Loại hình báo").select_option(label="Báo điện tử")
    page.click("#walkin-form button[type=submit]")
    page.locator("#answer.answer-ok").wait_for(state="visible")
    registration = Registration.objects.get(email="lan@example.com")
    assert registration.answers == {
        delegation.answer_key: "Báo Hải Phòng",
        outlet.answer_key: "dien-tu",
    }


def test_scanner_shows_its_name_the_lists_count_and_takes_lower_case_codes(page, live_server):
    scene = door_scene()
    page.set_viewport_size({"width": 390, "height": 844})
    pair(page, scene.token)
    assert page.locator("h1").inner_text() == "Điện thoại cổng 1"
    count = page.locator("#list-count")
    expect(count).to_have_text("Đã đến: 0 / 2")  # Khoa and Đỗ are confirmed

    page.keyboard.type(scene.khoa.token.lower(), delay=2)  # Caps Lock on the USB scanner
    page.keyboard.press("Enter")
    page.locator("#answer.answer-ok").wait_for(state="visible")
    assert page.locator("#answer-name").inner_text() == "Nguyễn Văn Khoa"
    expect(count).to_have_text("Đã đến: 1 / 2")
    assert CheckIn.objects.get().registration == scene.khoa
    page.click("#answer")

    page.context.set_offline(True)  # decided from the copy of the list: lower case too
    page.keyboard.type(scene.do.token.lower(), delay=2)
    page.keyboard.press("Enter")
    page.locator("#answer.answer-ok[data-offline='yes']").wait_for(state="visible")
    assert page.locator("#answer-name").inner_text() == "Đỗ Thị Hà"
    expect(count).to_have_text("Đã đến: 2 / 2")


def test_search_says_more_when_more_than_twenty_guests_match(page, live_server):
    scene = door_scene()
    for n in range(21):
        RegistrationFactory(category=scene.delegate, full_name=f"Trần Thị Mai {n:02d}")
    pair(page, scene.token)
    page.click("#search-button")
    page.fill("#search-input", "tran thi mai")
    page.locator("#search-results li.search-more").wait_for()
    assert page.locator("#search-results li.result").count() == 20
    assert page.locator("#search-results li.search-more").inner_text() == (
        "Chỉ hiện 20 kết quả đầu tiên: hãy gõ thêm tên."
    )
    page.fill("#search-input", "tran thi mai 07")
    page.locator("#search-results li.result").first.wait_for()
    expect(page.locator("#search-results li.result")).to_have_count(1)
    assert page.locator("#search-results li.search-more").count() == 0


def test_unpaired_browser_is_asked_to_pair_or_sign_in(page, live_server):
    door_scene()
    page.goto("/checkin/")
    page.wait_for_selector("#scanner[data-state='signed-out']")
    assert "ghép nối" in page.locator("#scanner-notice").inner_text()


def test_revoked_device_is_told_at_once(page, live_server):
    from events.checkin.services import device_revoke
    from tests.factories.checkin import pair_device

    scene = door_scene()
    pair(page, scene.token)
    device_revoke(device=scene.device)
    page.reload()
    page.wait_for_selector("#scanner[data-state='revoked']")
    assert "thu hồi" in page.locator("#scanner-notice").inner_text()
    # Reloaded again (the token is gone by now), it still says why, not "sign in".
    page.reload()
    page.wait_for_selector("#scanner[data-state='revoked']")
    assert "thu hồi" in page.locator("#scanner-notice").inner_text()
    # A new pairing link: the scanner works again.
    _device, token = pair_device(scene.event, "Cổng 1 (mới)")
    pair(page, token)


def sign_in_organizer(page, live_server) -> None:
    organizer = User.objects.create_superuser("organizer", "o@example.com", "x")
    client = Client()
    client.force_login(organizer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_arrivals_board_refreshes_itself(page, live_server):
    scene = door_scene()
    sign_in_organizer(page, live_server)
    page.goto(f"/checkin/arrivals/{scene.event.pk}/?every=1000")
    arrived = page.locator("[data-figure='arrived']")
    assert arrived.inner_text() == "0"
    device = Client()
    device.post(
        "/api/checkin/",
        {"token": scene.khoa.token, "list": scene.hall.pk},
        content_type="application/json",
        headers={"authorization": f"Bearer {scene.token}"},
    )
    # A locator wait, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("[data-figure='arrived']")).to_have_text("1", timeout=10_000)
    assert page.locator("#live g[data-count='1']").count() == 1


def test_arrivals_chart_is_not_stretched_and_its_times_do_not_overlap(page, live_server):
    import datetime as dt

    from core.time import HCM
    from events.checkin.services import Scanner, checkin_scan

    scene = door_scene()
    scanner = Scanner(device_id=scene.device.pk, event_id=scene.event.pk)
    start = dt.datetime(2023, 12, 27, 7, 30, tzinfo=HCM)
    for n in range(9):  # nine ten-minute buckets in a row, one guest each
        guest = RegistrationFactory(category=scene.press, full_name=f"Khách sớm {n}")
        checkin_scan(
            scanner=scanner,
            list_id=scene.hall.pk,
            token=guest.token,
            now=start + dt.timedelta(minutes=10 * n),
        )
    sign_in_organizer(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/checkin/arrivals/{scene.event.pk}/")
    assert page.title().startswith("Theo dõi khách đến")
    assert page.locator("#wagtail-sidebar").count() == 1
    assert page.locator(".site-header").count() == 0
    svg = page.locator("#live svg")
    width = int(svg.get_attribute("width"))
    assert round(svg.bounding_box()["width"]) == width  # drawn at its own size
    labels = page.locator("#live svg text[y='174']")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert labels.count() == 5  # 07:30, 07:50, 08:10, 08:30, 08:50
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] < right["x"]  # no "07:3007:40"


def test_kiosk_guests_check_themselves_in_and_print_their_badge(page, live_server):
    from events.checkin.services import device_update
    from tests.factories.checkin import pair_device

    scene = door_scene()
    kiosk, token = pair_device(scene.event, "Ki-ốt sảnh", kiosk=True)
    device_update(device=kiosk, kiosk_lists=[scene.hall])
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet
    pair(page, token)
    assert page.locator("#scanner").get_attribute("data-mode") == "kiosk"
    assert page.locator("h1").inner_text() == "Tự check-in"
    expect(page.locator("#list-select")).to_be_hidden()
    expect(page.locator("#walkin-button")).to_be_hidden()

    # Their QR code, read by the kiosk's scanner: in, and the badge to print.
    page.keyboard.type(scene.khoa.token, delay=2)
    page.keyboard.press("Enter")
    page.locator("#answer.answer-ok").wait_for(state="visible")
    assert page.locator("#answer-name").inner_text() == "Nguyễn Văn Khoa"
    page.click("#answer-print")
    frame = page.locator("iframe.print-frame")
    frame.wait_for(state="attached")
    assert "/checkin/kiosk/badge/" in frame.get_attribute("src")
    badge = page.frame_locator("iframe.print-frame")
    expect(badge.locator("h1.badge-name")).to_have_text("Nguyễn Văn Khoa")
    assert Registration.objects.get(pk=scene.khoa.pk).badge_prints == 1
    page.click("#answer")

    # A wrong code: told why, in Vietnamese, and nobody is checked in.
    page.fill("#kiosk-form [name=email]", scene.do.email)
    page.fill("#kiosk-form [name=code]", "AAAAAA")
    page.click("#kiosk-form [type=submit]")
    expect(page.locator("#kiosk-error")).to_contain_text("Email và mã này không khớp")
    assert not CheckIn.objects.filter(registration=scene.do).exists()

    # Their email and the code of their confirmation email, typed in lower case.
    page.fill("#kiosk-form [name=code]", scene.do.checkin_code.lower())
    page.click("#kiosk-form [type=submit]")
    page.locator("#answer.answer-ok").wait_for(state="visible")
    assert page.locator("#answer-name").inner_text() == "Đỗ Thị Hà"
    expect(page.locator("#answer-print")).to_be_visible()
    assert CheckIn.objects.get(registration=scene.do).method == "kiosk"
