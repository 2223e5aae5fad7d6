"""In Debian's Chromium: an exhibitor picks a booth on the plan, confirms the details, and the
organizer approves it in the Wagtail admin. The plan also works from the keyboard."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from exhibitors.enums import BookingStatus
from exhibitors.models import BoothBooking
from tests.conftest import ensure_wagtail_tree
from tests.factories.exhibitors import make_booths, make_event, make_exhibitor, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def hall():
    from exhibitors.services import exhibition_settings_update

    ensure_wagtail_tree()
    event = make_event()
    exhibition_settings_update(event=event, booking_open=True, hold_minutes=30)
    make_booths(event, count=6)
    user = make_user("ha@example.com", password=PASSWORD)
    exhibitor = make_exhibitor("Công ty Cổ phần Cảng Số", user=user)
    get_user_model().objects.create_superuser(
        username="organizer", email="organizer@example.com", password=PASSWORD
    )
    return event, exhibitor


def test_exhibitor_picks_a_booth_and_the_organizer_approves_it(page, browser, live_server, hall):
    event, exhibitor = hall
    page.goto("/exhibitor/login/")
    page.get_by_label("Email").fill("ha@example.com")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/exhibitor/")

    page.goto(f"/exhibition/{event.slug}/")
    page.locator('a.fp-booth[data-code="A03"]').click()
    details = page.locator("[data-fp-details]")
    assert details.locator("h3").inner_text() == "A03"
    assert details.locator('[data-fp-field="state"]').inner_text() == "Còn trống"
    assert details.locator('[data-fp-field="price"]').inner_text() == "12.000.000 ₫"
    details.get_by_role("button", name="Đặt gian hàng này").click()
    page.wait_for_url(re.compile(r".*/exhibitor/bookings/\d+/$"))
    assert "Gian hàng A03 được giữ cho bạn trong 30 phút" in page.locator(".messages").inner_text()

    page.get_by_label("Hóa đơn: địa chỉ").fill("18 Hoàng Diệu, Hồng Bàng, Hải Phòng")
    page.get_by_label("Điện bổ sung (3 kW)").check()
    page.get_by_label("Tôi xác nhận gian hàng, hạng và giá của gian hàng.").check()
    page.get_by_role("button", name="Gửi yêu cầu").click()
    page.wait_for_load_state()
    assert page.locator(".ex-status").inner_text() == "Đã gửi yêu cầu"
    booking = BoothBooking.objects.get()
    assert (booking.booth.code, booking.status, booking.extras) == ("A03", "requested", ["power"])

    organizer_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    admin = organizer_context.new_page()
    admin.goto("/admin/login/")
    admin.locator("input[name=username]").fill("organizer")
    admin.locator("input[name=password]").fill(PASSWORD)
    admin.locator("form button[type=submit]").click()
    admin.wait_for_url("**/admin/")
    admin.goto("/admin/exhibition/")
    admin.locator("[data-pending]").get_by_role("link", name="A03").click()
    admin.wait_for_url(f"**/admin/exhibition/bookings/{booking.pk}/decide/")
    admin.get_by_role("button", name="Duyệt", exact=True).click()
    admin.wait_for_load_state()
    assert admin.locator("[data-status]").inner_text() == "Đã phê duyệt"
    organizer_context.close()

    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    # Approval sends the confirmation and the payment request (amount, deadline, VietQR).
    approve_email, payment_email = mail.outbox[-2:]
    assert approve_email.subject == "Gian hàng A03 đã được xác nhận"
    assert payment_email.subject.startswith("Gian hàng A03: vui lòng thanh toán ")
    page.reload()
    assert page.locator(".ex-status").inner_text() == "Đã phê duyệt"
    page.goto(f"/exhibition/{event.slug}/")
    assert page.locator('a.fp-booth[data-code="A03"]').get_attribute("data-state") == "booked"


def test_booths_are_selected_from_the_keyboard(page, hall):
    event, _exhibitor = hall
    page.goto(f"/exhibition/{event.slug}/")
    # Tab moves from booth to booth in code order
    page.locator('a.fp-booth[data-code="A01"]').focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.code") == "A02"
    page.keyboard.press("Enter")
    details = page.locator("[data-fp-details]")
    assert details.is_visible()
    assert details.locator("h3").inner_text() == "A02"
    page.locator('a.fp-booth[data-code="A05"]').focus()
    page.keyboard.press("Space")
    assert details.locator("h3").inner_text() == "A05"
    # a visitor is offered the login, not the booking button
    assert details.get_by_role("link", name="Đăng nhập với tư cách đơn vị trưng bày").is_visible()
    assert page.locator('a.fp-booth[data-code="A05"]').get_attribute("aria-current") == "true"
