"""An unsubscribed guest in the organizer's list (a filter, the inspect page, the export) and
subscribing again from the guest's manage page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from core.models import ActivityEntry
from events.services import registration_create
from events.services.announcements import (
    registration_unsubscribe,
    registrations_in_segment,
    unsubscribe_token,
)
from tests.factories.events import make_category, make_event

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_events_registration:list"
INSPECT = "wagtailsnippets_events_registration:inspect"


@pytest.fixture
def guests():
    event = make_event()
    category = make_category(event)
    made = {
        name: registration_create(
            event=event,
            category=category,
            full_name=name,
            email=f"{email}@example.com",
            skip_email_confirmation=True,
        )
        for name, email in (("Nguyễn Văn An", "an"), ("Trần Thị Bình", "binh"))
    }
    registration_unsubscribe(token=unsubscribe_token(made["Trần Thị Bình"]))
    for registration in made.values():
        registration.refresh_from_db()
    return made


def test_the_organizer_sees_and_filters_the_unsubscribed_guests(client, guests):
    client.force_login(get_user_model().objects.create_superuser("org", "org@example.com", "pw"))

    def listed(**params):
        response = client.get(reverse(LIST), params)
        assert response.status_code == 200
        return sorted(row.full_name for row in response.context["object_list"])

    assert listed(unsubscribed="true") == ["Trần Thị Bình"]
    assert listed(unsubscribed="false") == ["Nguyễn Văn An"]
    assert listed() == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert "Đã hủy nhận thông báo" in client.get(reverse(LIST)).text  # the filter's label
    page = client.get(reverse(INSPECT, args=[guests["Trần Thị Bình"].pk])).text
    assert "Hủy nhận thông báo lúc" in page
    export = client.get(reverse(LIST), {"export": "csv", "unsubscribed": "true"})
    header, row = b"".join(export.streaming_content).decode("utf-8").splitlines()[:2]
    assert "Hủy nhận thông báo lúc" in header
    assert row.startswith("Trần Thị Bình,") and not row.endswith(",")  # the moment is filled


def test_the_guest_subscribes_again_from_their_manage_page(guests):
    out, subscribed = guests["Trần Thị Bình"], guests["Nguyễn Văn An"]
    event = out.event
    guest = Client()
    resubscribe = reverse("events:manage_resubscribe", args=[out.manage_secret])
    assert (
        resubscribe not in guest.get(reverse("events:manage", args=[subscribed.manage_secret])).text
    )
    page = guest.get(reverse("events:manage", args=[out.manage_secret])).text
    assert "Bạn đã hủy nhận thông báo của ban tổ chức vào ngày" in page
    assert f'action="{resubscribe}"' in page
    assert list(registrations_in_segment(event=event)) == [subscribed]

    assert guest.get(resubscribe).status_code == 405  # a link followed changes nothing
    out.refresh_from_db()
    assert out.unsubscribed_at is not None

    done = guest.post(resubscribe, follow=True)
    assert done.status_code == 200
    assert "Bạn sẽ nhận lại thông báo của ban tổ chức." in done.text
    assert resubscribe not in done.text
    out.refresh_from_db()
    assert out.unsubscribed_at is None
    assert sorted(r.pk for r in registrations_in_segment(event=event)) == sorted(
        [out.pk, subscribed.pk]
    )
    (entry,) = ActivityEntry.objects.filter(action="registration.resubscribed")
    assert (entry.object_id, entry.actor_kind) == (str(out.pk), "attendee")

    guest.post(resubscribe)  # a second click changes nothing and logs nothing
    assert ActivityEntry.objects.filter(action="registration.resubscribed").count() == 1
    assert guest.post(reverse("events:manage_resubscribe", args=["nope"])).status_code == 404
