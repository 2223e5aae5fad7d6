"""The admin's side of personal data (events/admin.py): each event's retention period is
editable and the events list says when its data will be (or was) deleted; a registration's
inspect page shows the basis of its data and its consent."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.services import registration_create
from events.services.privacy import event_purge_personal_data
from tests.factories.events import make_category, make_event, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(client):
    user = get_user_model().objects.create_superuser("org", "org@example.com", "pw")
    client.force_login(user)
    return user


def row_of(client, event) -> str:
    html = client.get(reverse("wagtailsnippets_events_event:list")).content
    soup = BeautifulSoup(html, "html.parser")
    link = soup.find("a", href=reverse("wagtailsnippets_events_event:edit", args=[event.pk]))
    return " ".join(link.find_parent("tr").get_text().split())


def test_the_events_list_says_when_each_events_data_goes(client, organizer):
    ends = timezone.make_aware(dt.datetime(2026, 6, 20, 17, 0))
    coming = make_event(name="Diễn đàn 2026", starts_at=ends - dt.timedelta(hours=8), ends_at=ends)
    assert "Sẽ xóa ngày 17/12/2026" in row_of(client, coming)  # 180 days after 20/06/2026
    Event.objects.filter(pk=coming.pk).update(retention_days=30)
    assert "Sẽ xóa ngày 20/07/2026" in row_of(client, coming)
    event_purge_personal_data(event=coming)
    coming.refresh_from_db()
    day = timezone.localtime(coming.personal_data_purged_at).strftime("%d/%m/%Y")
    assert f"Đã xóa ngày {day}" in row_of(client, coming)


def test_the_retention_period_is_edited_with_the_event(client, organizer):
    event = make_event()
    url = reverse("wagtailsnippets_events_event:edit", args=[event.pk])
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    field = soup.select_one("input[name=retention_days]")
    assert field["value"] == "180"


def test_the_inspect_page_shows_the_basis_and_the_consent(client, organizer):
    event = make_event()
    registration = registration_create(
        event=event, category=make_category(event), skip_email_confirmation=True, **person(1)
    )
    url = reverse("wagtailsnippets_events_registration:inspect", args=[registration.pk])
    text = " ".join(BeautifulSoup(client.get(url).content, "html.parser").get_text().split())
    assert "Căn cứ xử lý dữ liệu cá nhân Được ban tổ chức mời hoặc thêm vào" in text
