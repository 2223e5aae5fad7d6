"""In Debian's Chromium: the organizer drags a booth on the plan editor and saves, the public
plan shows it there; on a phone the plan fits the screen, zooms, finds an exhibitor
(accent-blind) and goes from booth to booth with the arrow keys."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from exhibitors.models import Booth
from exhibitors.services import (
    booking_approve,
    booking_request,
    booth_hold,
    exhibition_settings_update,
    staff_add,
)
from tests.conftest import ensure_wagtail_tree
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_booths, make_event, make_exhibitor, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def hall():
    """12 booths (A01–A10 in a row, A11–A12 below A01–A02), A02 booked by "Công ty Cổ phần
    Cảng Số" with one staff member."""
    ensure_wagtail_tree()
    event = make_event()
    exhibition_settings_update(event=event, booking_open=True, hold_minutes=30)
    booths = make_booths(event, count=12)
    user = make_user("ha@example.com", password=PASSWORD)
    exhibitor = make_exhibitor("Công ty Cổ phần Cảng Số", user=user)
    booking = booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
    booking = booking_approve(booking=booking_request(booking=booking, **INVOICE), by=None)
    staff_add(
        booking=booking,
        full_name="Nguyễn Thị Phương Thảo",
        email="phuongthao.nguyen.truongnhom@cangso-haiphong.example",
        position="Trưởng nhóm kinh doanh",
    )
    get_user_model().objects.create_superuser(
        username="organizer", email="organizer@example.com", password=PASSWORD
    )
    return event, booking


def open_plan_editor(page):
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill("organizer")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/exhibition/plan/")


def test_organizer_drags_a_booth_saves_and_sees_it_on_the_public_plan(page, hall):
    event, _booking = hall
    open_plan_editor(page)
    page.get_by_label("Chiều rộng hội trường (m)").fill("40")
    page.get_by_label("Chiều sâu hội trường (m)").fill("25")
    svg = page.locator("[data-plan-svg]")
    assert svg.get_attribute("viewBox") == "0 0 40 25"
    metre = page.locator("[data-plan-hall]").bounding_box()["width"] / 40  # pixels per metre
    booth = page.locator('[data-plan-item="booths-0"] rect').bounding_box()
    start_x, start_y = booth["x"] + booth["width"] / 2, booth["y"] + booth["height"] / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + 10.1 * metre, start_y + 14.9 * metre, steps=8)
    page.mouse.up()
    # A01 was at (1, 1): moved 10 and 15 m, in half-metre steps
    assert page.get_by_label("x (m) · A01").input_value() == "11.0"
    assert page.get_by_label("y (m) · A01").input_value() == "16.0"
    # and the keyboard moves the selected booth by half a metre
    page.locator('[data-plan-item="booths-0"]').press("ArrowLeft")
    assert page.get_by_label("x (m) · A01").input_value() == "10.5"
    page.get_by_role("button", name="Lưu sơ đồ mặt bằng").click()
    page.wait_for_load_state()
    assert "Đã lưu sơ đồ mặt bằng." in page.locator(".messages").inner_text()
    booth = Booth.objects.get(event=event, code="A01")
    assert (booth.x_m, booth.y_m) == (Decimal("10.5"), Decimal(16))

    page.goto(f"/exhibition/{event.slug}/")
    assert page.locator("[data-fp-svg]").get_attribute("viewBox") == "0 0 40 25"
    rect = page.locator('a.fp-booth[data-code="A01"] .fp-rect')
    assert (rect.get_attribute("x"), rect.get_attribute("y")) == ("10.5", "16")


def test_a_refused_plan_says_why_in_the_editor(page, hall):
    event, _booking = hall
    open_plan_editor(page)
    page.get_by_label("x (m) · A02").fill("2")
    page.get_by_role("button", name="Lưu sơ đồ mặt bằng").click()
    page.wait_for_load_state()
    problems = page.locator("[data-plan-problems]").inner_text()
    assert "Gian hàng A01 và Gian hàng A02 chồng lên nhau." in problems
    assert Booth.objects.get(event=event, code="A02").x_m == Decimal("4.2")


def test_on_a_phone_the_plan_fits_zooms_finds_and_walks_with_the_arrow_keys(page, hall):
    event, booking = hall
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/exhibition/{event.slug}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    svg = page.locator("[data-fp-svg]")
    whole = svg.get_attribute("viewBox")
    page.get_by_role("button", name="Phóng to").click()
    zoomed = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert zoomed[2] < float(whole.split()[2]) and "fp-zoomed" in svg.get_attribute("class")
    page.get_by_role("button", name="Toàn bộ hội trường").click()
    assert svg.get_attribute("viewBox") == whole

    # the search is accent-blind and names the booths it found
    page.get_by_label("Tìm đơn vị trưng bày hoặc gian hàng").fill("cang so")
    assert page.locator(".fp-booth.fp-match").evaluate_all(
        "els => els.map(e => e.dataset.code)"
    ) == ["A02"]
    assert page.locator("[data-fp-search-status]").inner_text() == "Tìm thấy gian hàng (1): A02"
    page.get_by_label("Tìm đơn vị trưng bày hoặc gian hàng").press("Enter")
    focused = "document.activeElement.dataset.code"
    assert page.evaluate(focused) == "A02"

    # arrow keys: to the nearest booth in that direction
    for key, code in [
        ("ArrowRight", "A03"),
        ("ArrowLeft", "A02"),
        ("ArrowDown", "A12"),
        ("ArrowLeft", "A11"),
        ("ArrowUp", "A01"),
        ("ArrowLeft", "A01"),  # nothing further left: stays
    ]:
        page.keyboard.press(key)
        assert page.evaluate(focused) == code, key

    # the booking page with its staff table does not scroll sideways either
    page.goto("/exhibitor/login/")
    page.get_by_label("Email").fill("ha@example.com")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/exhibitor/")
    page.goto(f"/exhibitor/bookings/{booking.pk}/")
    assert page.get_by_text("Nguyễn Thị Phương Thảo").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
