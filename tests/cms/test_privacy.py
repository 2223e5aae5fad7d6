"""The privacy page the consent box links to: ``/privacy/`` in Vietnamese and ``/en/privacy/``
in English (cms.views.privacy_policy), with the demo's policy in both languages."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from tests.factories.events import make_category, make_event


def _text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def test_the_privacy_address_opens_the_policy_in_each_language(client, demo_site):
    vietnamese = client.get("/privacy/", follow=True)
    assert vietnamese.status_code == 200
    assert vietnamese.redirect_chain == [("/chinh-sach-bao-mat/", 302)]
    text = _text(vietnamese)
    for heading in ("Chúng tôi thu thập những gì", "Vì sao", "Căn cứ xử lý", "Lưu trữ bao lâu"):
        assert heading in text
    assert "Đến 180 ngày sau khi sự kiện kết thúc" in text
    assert "tải về toàn bộ dữ liệu của mình (JSON)" in text
    assert "chuyendoiso@haiphong.example" in text

    english = client.get("/en/privacy/")
    assert english.status_code == 200
    text = _text(english)
    for heading in ("What we collect", "Why", "Legal basis", "How long we keep it", "Your rights"):
        assert heading in text
    assert "Until 180 days after the event ends" in text
    assert english.headers["Content-Language"] == "en"


def test_the_registration_forms_consent_box_links_to_it_in_its_language(client, demo_site):
    event = make_event()
    make_category(event)
    for form_url, privacy_url in (
        (f"/register/{event.slug}/", "/privacy/"),
        (f"/en/register/{event.slug}/", "/en/privacy/"),
    ):
        soup = BeautifulSoup(client.get(form_url).content, "html.parser")
        link = soup.select_one("label[for=id_consent] a")
        assert link["href"] == privacy_url
        assert client.get(privacy_url, follow=True).status_code == 200


def test_without_a_live_privacy_page_the_address_is_a_404(client, demo_site):
    Page.objects.filter(slug="chinh-sach-bao-mat").update(live=False)
    assert client.get("/privacy/").status_code == 404
    assert client.get("/en/privacy/").status_code == 404


@pytest.mark.django_db
def test_a_privacy_policy_url_setting_links_elsewhere(client, settings):
    settings.PRIVACY_POLICY_URL = "https://haiphong.example/quyen-rieng-tu"
    event = make_event()
    make_category(event)
    soup = BeautifulSoup(client.get(f"/register/{event.slug}/").content, "html.parser")
    assert soup.select_one("label[for=id_consent] a")["href"] == settings.PRIVACY_POLICY_URL
