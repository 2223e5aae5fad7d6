"""In Debian's Chromium: an exhibitor's staff member scans two visitors' badges at the booth
with a keyboard-wedge scanner (it types the code and Enter), sees each answer without leaving
the page, then rates a lead; a fake camera filming a real badge makes a lead too."""

import pytest

from events.services import registration_create
from exhibitors.models import Lead
from exhibitors.services import exhibition_settings_update
from tests.conftest import ensure_wagtail_tree
from tests.e2e.test_scanner import badge_video, camera_browser  # noqa: F401 (a fixture)
from tests.factories.events import make_category
from tests.factories.exhibitors import (
    make_approved_booking,
    make_booths,
    make_event,
    make_exhibitor,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def booth():
    ensure_wagtail_tree()
    event = make_event()
    exhibition_settings_update(event=event, booking_open=True)
    booths = make_booths(event, count=2)
    exhibitor = make_exhibitor(
        "Công ty Cổ phần Cảng Số", user=make_user("ha@example.com", password=PASSWORD)
    )
    make_approved_booking(event, booths[0], exhibitor)
    category = make_category(event)
    visitors = [
        registration_create(
            event=event,
            category=category,
            full_name=f"Lê Khách {n}",
            email=f"khach{n}@example.com",
            organization=f"Sở Số {n}",
            share_with_exhibitors=n == 1,
            skip_email_confirmation=True,
        )
        for n in (1, 2)
    ]
    return event, visitors


def log_in(page) -> None:
    page.goto("/exhibitor/login/")
    page.get_by_label("Email").fill("ha@example.com")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/exhibitor/")


def test_staff_scan_badges_with_a_keyboard_wedge_and_rate_a_lead(page, booth):
    _event, (sharing, private) = booth
    log_in(page)
    page.get_by_role("link", name="Quét khách tiềm năng").click()
    page.wait_for_url("**/exhibitor/leads/scan/")

    wedge = page.get_by_label("Mã thẻ")
    answer = page.locator("#lead-answer p")
    wedge.fill(sharing.token.lower())  # a scanner with Caps Lock: read as the door reads it
    wedge.press("Enter")
    answer.filter(has_text="Lê Khách 1").wait_for()
    assert answer.inner_text().startswith("Đã lưu khách tiềm năng: Lê Khách 1.")
    assert wedge.evaluate("el => el === document.activeElement")
    assert wedge.input_value() == ""

    wedge.fill(private.token)
    wedge.press("Enter")
    answer.filter(has_text="Sở Số 2").wait_for()
    assert answer.inner_text().startswith("Đã lưu khách tiềm năng: Một khách tham quan từ Sở Số 2.")

    wedge.fill("not-a-badge")
    wedge.press("Enter")
    answer.filter(has_text="Chưa lưu gì").wait_for()
    assert answer.get_attribute("data-status") == "error"
    assert page.locator("#lead-history li").count() == 2
    assert Lead.objects.count() == 2

    page.locator("#lead-history li").last.get_by_role("link").click()
    page.get_by_label("Đánh giá").select_option("5")
    page.get_by_label("Nhãn").fill("cảng biển, AI")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url("**/exhibitor/leads/")
    row = page.locator("tr[data-lead]").filter(has_text="Lê Khách 1")
    assert "cảng biển, AI" in row.inner_text()
    lead = Lead.objects.get(registration=sharing)
    assert (lead.rating, lead.tags) == (5, ["cảng biển", "AI"])


def test_the_camera_reads_a_real_badge_into_a_lead(camera_browser, live_server, booth):  # noqa: F811
    browser, video = camera_browser
    _event, (sharing, _private) = booth
    badge_video(sharing, video)
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page)
    page.goto("/exhibitor/leads/scan/")
    page.click("#lead-camera-toggle")
    page.locator("#lead-answer p").filter(has_text="Lê Khách 1").wait_for()
    assert page.locator("#lead-camera-toggle").inner_text() == "Tắt camera"
    # The badge stays in view: read once, not once per frame.
    page.wait_for_timeout(1000)
    assert page.locator("#lead-history li").count() == 1
    lead = Lead.objects.get()
    assert (lead.registration, lead.scans) == (sharing, 1)
    context.close()
