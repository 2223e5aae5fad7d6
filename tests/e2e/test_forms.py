"""The registration form in Chromium: after a failed submit the error summary has the focus
and its links move it to the fields; every Tab stop of the header is visible."""

import pytest

from tests.factories.events import make_category, make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_error_summary_takes_the_focus_and_leads_to_the_fields(page):
    event = make_event()
    make_category(event, name="Đại biểu")
    make_category(event, name="Báo chí")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/register/{event.slug}/")
    page.locator("form.form [type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".error-summary").get_attribute("role") == "alert"
    page.locator(".error-summary a[href='#id_email']").click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.locator(".error-summary a[href='#id_category_0']").click()
    assert page.evaluate("document.activeElement.id") == "id_category_0"


def test_every_tab_stop_of_the_header_is_visible(page):
    event = make_event()
    make_category(event)
    page.goto("/exhibitor/login/")
    names = []
    for _ in range(12):
        page.keyboard.press("Tab")
        element = page.evaluate_handle("document.activeElement")
        if not page.evaluate("el => !!el.closest('header')", element):
            continue
        box = element.bounding_box()
        name = page.evaluate(
            "el => el.getAttribute('aria-label') || el.textContent.trim()", element
        )
        assert box and box["width"] > 8 and box["height"] > 8, name
        names.append(name)
    assert "Tìm kiếm" in names and "Đăng ký" in names
