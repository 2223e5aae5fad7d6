"""A newcomer's first minutes after `make run`, in a real Chromium, on whatever day the suite
runs: `load_demo` (its default date), register at /register/, confirm through the link in the
email, download the badge PDF, pair the demo scanner through the link `load_demo` printed, scan
the downloaded badge as a USB scanner does (it types the QR's text and Enter): green."""

import io
import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from django.core import mail
from django.core.management import call_command
from PIL import Image

from events.demo import DEMO_EVENT_SLUG
from events.models import CheckIn, Registration
from tests.conftest import ensure_wagtail_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def qr_codes_of_pdf(pdf: Path) -> list[str]:
    """The QR codes printed on the PDF's first page, read back from a 200 dpi rendering."""
    png = subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_register_confirm_download_the_badge_pair_the_scanner_and_scan_it(
    browser, page, live_server, settings, tmp_path
):
    settings.BASE_URL = live_server.url  # the address `make run` serves, here the live server's
    ensure_wagtail_tree()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    pairing_link = re.search(r"Scanner pairing link \(.+\): (\S+)", out.getvalue()).group(1)

    # Register at /register/: it leads to the demo forum's form, open today.
    page.goto("/register/")
    page.wait_for_url(f"**/register/{DEMO_EVENT_SLUG}/")
    page.get_by_label("Họ và tên", exact=True).fill("Trần Thị Thu Hà")
    page.locator("input[type=email]").fill("thuha@example.com")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Cơ quan, đơn vị").fill("Sở Thông tin và Truyền thông Hải Phòng")
    page.get_by_label("Đại biểu", exact=True).check()
    # The demo forum's own questions: the delegation (required, printed on the badge), the diet.
    page.get_by_label("Đơn vị / Đoàn").fill("Đoàn Sở Thông tin và Truyền thông")
    page.get_by_label("Chay").check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/sent/")

    # Confirm through the link of the email (printed by the worker in dev).
    (email,) = [message for message in mail.outbox if message.to == ["thuha@example.com"]]
    link = re.search(r"http://\S+/register/confirm/\S+/", email.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Xác nhận đăng ký của tôi").click()
    page.wait_for_url("**/registration/**")
    registration = Registration.objects.get(email="thuha@example.com")
    assert registration.status == "confirmed"
    assert sorted(registration.answers.values()) == ["chay", "Đoàn Sở Thông tin và Truyền thông"]

    # Download the badge PDF that the page the confirmation led to links to (served inline, so
    # a click opens Chromium's viewer: fetch it as the browser, with its cookies).
    href = page.get_by_role("link", name="Tải thẻ đại biểu (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    badge = tmp_path / "badge.pdf"
    badge.write_bytes(response.body())
    assert badge.read_bytes()[:5] == b"%PDF-"
    codes = qr_codes_of_pdf(badge)
    assert codes == [registration.token]

    # Pair the demo scanner (another device: its own browser context) and scan the badge.
    device = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    device.set_default_timeout(10_000)
    scanner = device.new_page()
    scanner.goto(pairing_link)
    scanner.wait_for_url("**/checkin/")
    scanner.wait_for_selector("#scanner[data-state='ready']")
    assert scanner.locator("#list-select option:checked").inner_text() == "Hội trường chính"
    assert scanner.evaluate("document.activeElement.id") == "wedge"
    scanner.keyboard.type(codes[0], delay=2)
    scanner.keyboard.press("Enter")
    scanner.locator("#answer.answer-ok").wait_for(state="visible")
    assert scanner.locator("#answer-name").inner_text() == "Trần Thị Thu Hà"
    assert scanner.locator("#answer-message").inner_text() == "Xin chào!"
    checkin = CheckIn.objects.get(registration=registration)
    assert checkin.checkin_list.name == "Hội trường chính"
    assert checkin.by_device.name == "Máy quét cổng 1"
    device.close()
