"""The guest's rights on the manage page (events/privacy_views.py): consent for guests registered
by someone else, download my data (JSON), delete my registration (erase, with a confirmation
step), and the translated page a deleted registration's link shows."""

import json

import pytest
from bs4 import BeautifulSoup

from core.models import ActivityEntry
from core.time import HCM
from events.enums import CONSENT_VERSION
from events.enums import RegistrationStatus as S
from events.models import Registration
from events.services import registration_create
from events.services.privacy import event_purge_personal_data
from tests.events.test_views import _fresh_state  # noqa: F401 (autouse: Vietnamese, no limits)
from tests.factories.events import make_category, make_event, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited():
    """A guest the organizer added (no consent given), confirmed."""
    event = make_event(name="Diễn đàn Chuyển đổi số")
    category = make_category(event, name="Đại biểu", capacity=1)
    return registration_create(
        event=event,
        category=category,
        full_name="Lê Thị Mời",
        email="moi@example.com",
        skip_email_confirmation=True,
    )


def manage_url(registration, tail="", lang="") -> str:
    prefix = f"/{lang}" if lang else ""
    return f"{prefix}/registration/{registration.manage_secret}/{tail}"


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def test_an_invited_guest_is_asked_for_consent_and_gives_it(client, invited):
    page = client.get(manage_url(invited))
    assert page.status_code == 200
    assert "Ban tổ chức đã mời hoặc đăng ký cho bạn." in text(page)
    assert manage_url(invited, "consent/") in page.content.decode()
    english = text(client.get(manage_url(invited, lang="en")))
    assert "The organizer invited you or registered you. Under Decree 13/2023/NĐ-CP" in english
    assert "Download my data (JSON)" in english and "Delete my registration" in english
    day = invited.event.personal_data_purge_at.astimezone(HCM).strftime("%d/%m/%Y")
    assert f"We keep your data until {day}, then delete it" in english

    refused = client.post(manage_url(invited, "consent/"), {})
    assert refused.status_code == 200
    assert "Hãy đánh dấu vào ô để đồng ý." in text(refused)
    soup = BeautifulSoup(refused.content, "html.parser")
    assert soup.select_one("label[for=id_consent] a")["href"] == "/privacy/"
    invited.refresh_from_db()
    assert invited.consent_at is None

    given = client.post(manage_url(invited, "consent/"), {"consent": "on"}, follow=True)
    assert "Cảm ơn bạn: sự đồng ý của bạn đã được ghi nhận." in text(given)
    assert "Ban tổ chức đã mời hoặc đăng ký cho bạn." not in text(given)
    invited.refresh_from_db()
    assert invited.consent_version == CONSENT_VERSION
    assert invited.consent_at is not None
    entry = ActivityEntry.objects.get(action="registration.consent_given")
    assert (entry.object_id, entry.actor_kind) == (str(invited.pk), "attendee")


def test_a_self_registered_guest_is_not_asked_again(client):
    event = make_event()
    own = registration_create(event=event, category=make_category(event), **person(1))
    page = client.get(manage_url(own))
    assert "Sự đồng ý của bạn" not in text(page)
    assert client.get(manage_url(own, "consent/")).status_code == 302


def test_download_my_data_is_a_json_attachment_and_is_logged(client, invited):
    response = client.get(manage_url(invited, "my-data.json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{invited.event.slug}-registration-{invited.pk}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["registration"]["full_name"] == "Lê Thị Mời"
    assert data["registration"]["email"] == "moi@example.com"
    assert data["consent"] == {
        "basis": "organizer",
        "basis_label": "Được ban tổ chức mời hoặc thêm vào",
        "given_at": None,
        "text_version": "",
    }
    assert [e["kind"] for e in data["emails"]] == ["registration.confirmed"]
    assert "Lê Thị Mời" in response.content.decode()  # UTF-8, not \u escapes
    entry = ActivityEntry.objects.get(action="registration.data_exported")
    assert (entry.object_id, entry.actor_kind) == (str(invited.pk), "attendee")


def test_delete_my_registration_confirms_then_erases_and_the_link_says_so(client, invited):
    waiting = registration_create(
        event=invited.event, category=invited.category, skip_email_confirmation=True, **person(2)
    )
    assert waiting.status == S.WAITLISTED
    confirm = client.get(manage_url(invited, "delete/"))
    assert confirm.status_code == 200
    assert "Bạn thực sự muốn xóa đăng ký tham dự Diễn đàn Chuyển đổi số?" in text(confirm)
    invited.refresh_from_db()
    assert invited.purged_at is None  # the GET changes nothing

    done = client.post(manage_url(invited, "delete/"))
    assert done.status_code == 302
    assert done["Location"] == manage_url(invited)
    invited.refresh_from_db()
    assert (invited.status, invited.full_name, invited.purge_reason) == (S.CANCELLED, "", "erasure")
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert list(
        ActivityEntry.objects.filter(object_id=str(invited.pk), actor_kind="attendee")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["registration.cancelled", "registration.erased"]

    for tail in ("", "edit/", "cancel/", "badge.pdf", "event.ics", "my-data.json", "delete/"):
        gone = client.get(manage_url(invited, tail))
        assert gone.status_code == 410, tail
    gone = client.get(manage_url(invited))
    assert "Dữ liệu cá nhân đã được xóa" in text(gone)
    assert "Theo yêu cầu của bạn, đăng ký tham dự Diễn đàn Chuyển đổi số" in text(gone)
    assert "Lê Thị Mời" not in gone.content.decode()
    english = client.get(manage_url(invited, lang="en"))
    assert english.status_code == 410
    assert "At your request, your registration for" in text(english)
    assert client.post(manage_url(invited, "delete/")).status_code == 410
    assert Registration.objects.filter(event=invited.event).count() == 2


def test_after_the_retention_purge_the_link_says_the_period_is_over(client, invited):
    event_purge_personal_data(event=invited.event)
    gone = client.get(manage_url(invited))
    assert gone.status_code == 410
    assert "Thời hạn lưu trữ của Diễn đàn Chuyển đổi số đã hết" in text(gone)
