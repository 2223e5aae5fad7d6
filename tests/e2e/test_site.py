"""A visitor in real Chromium: home page, agenda, a session, then English."""

import pytest

from tests.conftest import ensure_wagtail_tree

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site_live(transactional_db):
    from django.core.cache import cache

    from cms.demo import load_site
    from events.demo import SEED_DAY, load_event

    cache.clear()
    ensure_wagtail_tree()
    forum = load_site(load_event(day=SEED_DAY))
    yield forum
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_visitor_goes_from_home_to_a_session_and_switches_to_english(page, demo_site_live):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023"

    page.locator("nav.site-nav").get_by_role("link", name="Chương trình").click()
    page.wait_for_url("**/dien-dan-2023/chuong-trinh/")
    assert page.locator("h1").inner_text() == "Chương trình"
    assert page.get_by_text("chương trình của bản demo mang tính minh họa").count() == 1
    # Wide screen: the parallel panels sit side by side in their room columns.
    panel_1 = page.get_by_role("link", name="Tọa đàm: Kho dữ liệu dùng chung và cổng dữ liệu mở")
    panel_2 = page.get_by_role("link", name="Tọa đàm: Dữ liệu số cho cảng biển và logistics")
    box_1, box_2 = panel_1.bounding_box(), panel_2.bounding_box()
    assert abs(box_1["y"] - box_2["y"]) < 5 and box_2["x"] > box_1["x"] + 200
    # On a phone the same agenda is one list, nothing overflows sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    box_1, box_2 = panel_1.bounding_box(), panel_2.bounding_box()
    assert box_2["y"] > box_1["y"] + 20 and abs(box_2["x"] - box_1["x"]) < 5
    assert page.locator(".agenda-rooms").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Phát biểu khai mạc diễn đàn").click()
    page.wait_for_url("**/dien-dan-2023/chuong-trinh/phat-bieu-khai-mac/")
    assert page.locator("h1").inner_text() == "Phát biểu khai mạc diễn đàn"
    assert page.get_by_role("link", name="Hoàng Minh Cường").count() == 1
    ics = page.get_by_role("link", name="Thêm vào lịch (.ics)")
    assert ics.get_attribute("href").endswith(".ics")

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/forum-2023/agenda/phat-bieu-khai-mac/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Opening speech"
    assert page.get_by_role("link", name="Add to calendar (.ics)").count() == 1
