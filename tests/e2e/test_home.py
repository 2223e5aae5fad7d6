import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_home_page_in_vietnamese_switches_to_english(page, live_server, demo_forum):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023"
    assert "Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội" in page.content()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Hai Phong Digital Transformation Forum 2023"
    assert page.get_by_role("link", name="Home").count() == 1

    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "vi"
