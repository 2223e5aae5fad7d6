"""Calendars (.ics) are shared and synced: they link to the event's public page, never to a
guest's private manage link."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from events.models import Registration
from events.services import registration_create
from tests.factories.events import make_category, make_event

pytestmark = pytest.mark.django_db


def test_calendars_carry_the_public_url_never_the_manage_link(
    client, django_capture_on_commit_callbacks
):
    event = make_event()
    category = make_category(event)
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            event=event,
            category=category,
            full_name="Nguyễn Văn Khoa",
            email="khoa@example.com",
            skip_email_confirmation=True,
        )
    registration = Registration.objects.get(pk=registration.pk)
    public = "http://127.0.0.1:8000" + reverse("events:register", args=[event.slug])
    ics = client.get(reverse("events:manage_ics", args=[registration.manage_secret])).content
    attached = [
        content
        for message in mail.outbox
        for name, content, _type in message.attachments
        if name.endswith(".ics")
    ]
    assert attached
    for calendar in (ics, *attached):
        data = calendar if isinstance(calendar, bytes) else calendar.encode()
        [vevent] = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert str(vevent["URL"]) == public
        assert registration.manage_secret.encode() not in data
