"""The registration form anyone can fill in: an error summary linking to each field, errors
tied to fields and groups, required markers, seats left on the categories; the header's
Register button; the manage page shows everything the guest gave."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from events.enums import RegistrationStatus as S
from events.models import Registration
from events.services import registration_create
from tests.factories.events import make_category, make_event, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_state():
    cache.clear()
    with translation.override("vi"):
        yield
    cache.clear()


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_failed_submit_has_a_focused_summary_linking_to_each_field(client):
    event = make_event()
    make_category(event, name="Đại biểu")
    make_category(event, name="Báo chí")
    soup = _soup(client.post(reverse("events:register", args=[event.slug]), {}))

    summary = soup.select_one(".error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    assert summary.has_attr("autofocus")
    links = {a["href"]: a.get_text() for a in summary.select("a")}
    assert links == {
        "#id_full_name": "Họ và tên",
        "#id_email": "Email",
        "#id_phone": "Số điện thoại",
        "#id_category_0": "Loại đại biểu",
        "#id_consent": "Sự đồng ý",
    }, links
    for href in links:  # every link leads to a control of the form
        assert soup.select_one(href) is not None, href
    # A field with an error is described by its error and its help text.
    phone = soup.select_one("#id_phone")
    assert phone["aria-invalid"] == "true"
    assert phone["aria-describedby"] == "id_phone_error id_phone_helptext"
    assert soup.select_one("#id_phone_error").get_text(strip=True)
    # The category radios: a fieldset named by its legend, described by its error.
    group = soup.select_one("fieldset#id_category")
    assert group.legend.get_text(" ", strip=True) == "Loại đại biểu *"
    assert group["aria-describedby"] == "id_category_error"
    assert soup.select_one("#id_category_error").get_text(strip=True) == "Hãy chọn loại đại biểu."
    consent = soup.select_one("#id_consent")
    assert consent["aria-describedby"] == "id_consent_error"
    # Required markers: on the required fields and on category and consent, not on the others.
    marked = {
        (tag.find_parent("legend") or tag.find_previous("label")).get_text(strip=True).rstrip("*")
        for tag in soup.select("form.form .required")
        if tag.find_parent(class_="required-note") is None
    }
    assert {"Họ và tên", "Email", "Số điện thoại", "Loại đại biểu"} <= marked
    assert any(text.startswith("Tôi đồng ý") for text in marked)
    assert "Cơ quan, đơn vị" not in marked and "Chức vụ" not in marked


def test_categories_say_the_seats_left_when_few_and_the_waitlist_when_none(client):
    event = make_event()
    full = make_category(event, name="Đại biểu", capacity=1)
    few = make_category(event, name="Báo chí", capacity=5)
    make_category(event, name="Khách", capacity=500)
    make_category(event, name="Sinh viên")
    registration_create(event=event, category=full, skip_email_confirmation=True, **person(1))
    registration_create(event=event, category=few, skip_email_confirmation=True, **person(2))
    soup = _soup(client.get(reverse("events:register", args=[event.slug])))
    labels = {
        " ".join(label.get_text(" ").split()) for label in soup.select("fieldset#id_category label")
    }
    assert labels == {
        "Đại biểu · còn 0 chỗ: bạn sẽ vào danh sách chờ",
        "Báo chí · còn 4 chỗ",
        "Khách",
        "Sinh viên",
    }
    with translation.override("en"):
        soup = _soup(client.get(reverse("events:register", args=[event.slug])))
    labels = {
        " ".join(label.get_text(" ").split()) for label in soup.select("fieldset#id_category label")
    }
    assert {
        "Đại biểu · 0 seats left: you will join the waiting list",
        "Báo chí · 4 seats left",
    } <= labels


def test_the_event_capacity_caps_every_category(client):
    event = make_event(capacity=2)
    a = make_category(event, name="Đại biểu")
    make_category(event, name="Báo chí", capacity=50)
    registration_create(event=event, category=a, skip_email_confirmation=True, **person(1))
    soup = _soup(client.get(reverse("events:register", args=[event.slug])))
    labels = {
        " ".join(label.get_text(" ").split()) for label in soup.select("fieldset#id_category label")
    }
    assert labels == {"Đại biểu · còn 1 chỗ", "Báo chí · còn 1 chỗ"}


def test_header_has_a_register_button_while_registration_is_open(client):
    event = make_event()
    make_category(event)
    register_url = reverse("events:register", args=[event.slug])
    soup = _soup(client.get(reverse("exhibitors:signup")))
    button = soup.select_one("header .header-register")
    assert button["href"] == register_url and button.get_text(strip=True) == "Đăng ký"
    # Not on the form itself.
    assert _soup(client.get(register_url)).select_one("header .header-register") is None
    # In English, to the English form.
    soup = _soup(client.get("/en/exhibitor/signup/"))
    assert soup.select_one("header .header-register")["href"] == "/en" + register_url
    # Closed: no button (the cache holds the answer a minute at most).
    event.registration_closes_at = timezone.now() - dt.timedelta(minutes=1)
    event.save()
    cache.clear()
    assert _soup(client.get(reverse("exhibitors:signup"))).select_one(".header-register") is None


def test_manage_page_shows_everything_the_guest_gave(client):
    event = make_event()
    category = make_category(event)
    registration = registration_create(
        event=event,
        category=category,
        skip_email_confirmation=True,
        full_name="Nguyễn Văn Khoa",
        email="nguyen.van.khoa.phong.chuyen.doi.so@so-thong-tin-truyen-thong.haiphong.gov.vn",
        phone="+84912345678",
        needs="Xe lăn\nĂn chay",
        share_with_exhibitors=True,
    )
    assert Registration.objects.get(pk=registration.pk).status == S.CONFIRMED
    soup = _soup(client.get(reverse("events:manage", args=[registration.manage_secret])))
    details = {
        dt_.get_text(strip=True): dt_.find_next_sibling("dd").get_text(strip=True)
        for dt_ in soup.select("dl.details dt")
    }
    assert details["Số điện thoại"] == "+84 912 345 678"
    assert details["Nhu cầu hỗ trợ tiếp cận hoặc ăn uống"] == "Xe lăn\nĂn chay"
    assert details["Chia sẻ với đơn vị triển lãm"] == "Có: họ tên, đơn vị và email của bạn"
    assert details["Email"].endswith("haiphong.gov.vn")
