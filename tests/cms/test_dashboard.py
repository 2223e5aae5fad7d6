"""The organizer's dashboard on the admin home (cms/dashboard.py): numbers of the current event,
each linking to the admin list it counts (and that list shows exactly those rows), panels by
permission, a fixed number of queries whatever the number of registrations, and the build
button of the proceedings' list."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.proceedings.enums import BuildStatus
from cms.proceedings.models import ProceedingsBuild
from events import selectors as event_selectors
from events.enums import RegistrationStatus
from events.models import CheckIn, Event, Registration
from exhibitors.enums import BookingStatus
from exhibitors.models import BoothBooking
from mail.models import Email, EmailStatus
from tests.conftest import ensure_wagtail_tree
from tests.factories.checkin import CheckInListFactory, RegistrationFactory
from tests.factories.events import make_category, make_event
from tests.factories.exhibitors import make_booths, make_exhibitor
from tests.factories.proceedings import make_forum

HOME = "wagtailadmin_home"
S = RegistrationStatus


@pytest.fixture
def scene(db, settings, tmp_path):
    """The current event with its forum page, three guests (one arrived today), two booth
    bookings (one requested), a failed and a sent email, a failed proceedings build."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ensure_wagtail_tree()
    forum = make_forum(sessions=1, paper_pages=0, images=False).forum
    event = forum.event
    Registration.objects.filter(event=event).delete()
    delegates = make_category(event, name="Đại biểu")
    press = make_category(event, name="Báo chí")
    guests = {
        "an": RegistrationFactory(category=delegates, full_name="Nguyễn Văn An"),
        "binh": RegistrationFactory(
            category=delegates, full_name="Trần Thị Bình", status=S.PENDING_APPROVAL
        ),
        "cuong": RegistrationFactory(category=press, full_name="Lê Văn Cường", status=S.CANCELLED),
    }
    hall = CheckInListFactory(event=event, name="Hội trường")
    CheckIn.objects.create(registration=guests["an"], checkin_list=hall)
    booths = make_booths(event, count=2)
    for booth, status in zip(
        booths, [BookingStatus.REQUESTED, BookingStatus.APPROVED], strict=True
    ):
        BoothBooking.objects.create(
            event=event, booth=booth, exhibitor=make_exhibitor(), status=status, price_vnd=1
        )
    Email.objects.create(
        kind="registration.confirmed", to="a@example.com", status=EmailStatus.FAILED
    )
    Email.objects.create(kind="registration.confirmed", to="b@example.com", status=EmailStatus.SENT)
    ProceedingsBuild.objects.create(forum=forum, status=BuildStatus.FAILED, error="x")
    return event, forum, delegates, press, guests


@pytest.fixture
def superuser(client, django_user_model):
    user = django_user_model.objects.create_superuser("bantochuc", "btc@example.org", "x")
    client.force_login(user)
    return client


def counts(html: str) -> dict[str, tuple[str, int]]:
    """{data-count: (href, number)} of the dashboard's links."""
    found = re.findall(r'<a href="([^"]+)" data-count="([^"]+)">(\d+)</a>', html)
    return {name: (href.replace("&amp;", "&"), int(n)) for href, name, n in found}


def test_current_event_is_the_running_or_next_one(db):
    now = timezone.now()
    past = make_event(starts_at=now - dt.timedelta(days=9), ends_at=now - dt.timedelta(days=8))
    assert event_selectors.event_current() == past
    later = make_event(starts_at=now + dt.timedelta(days=20), ends_at=now + dt.timedelta(days=21))
    running = make_event(starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=5))
    assert event_selectors.event_current() == running
    Event.objects.filter(pk=running.pk).delete()
    assert event_selectors.event_current() == later


def test_dashboard_shows_the_current_events_numbers(superuser, scene):
    event, forum, delegates, press, _guests = scene
    html = superuser.get(reverse(HOME)).content.decode()
    found = counts(html)
    assert f"Sự kiện hiện tại: {event.name}" in html
    assert found["total"][1] == 3
    assert found["pending_approval"][1] == 1
    assert found["status-confirmed"][1] == 1
    assert found["status-cancelled"][1] == 1
    assert found["status-waitlisted"][1] == 0
    assert found[f"category-{delegates.pk}"][1] == 2
    assert found[f"category-{press.pk}"][1] == 1
    assert found["booth_requests"][1] == 1
    assert found["failed_emails"][1] == 1
    assert found["arrivals_today"] == (reverse("events:checkin_arrivals", args=[event.pk]), 1)
    assert reverse("cms_proceedings:index", args=[forum.pk]) in html
    assert "chưa công bố; bản dựng gần nhất: Thất bại" in html


def listed_names(client, url: str, names: list[str]) -> set[str]:
    html = client.get(url).content.decode()
    return {name for name in names if name in html}


def test_each_number_links_to_its_filtered_list(superuser, scene):
    event, _forum, delegates, press, guests = scene
    found = counts(superuser.get(reverse(HOME)).content.decode())
    names = [guest.full_name for guest in guests.values()]
    assert listed_names(superuser, found["pending_approval"][0], names) == {"Trần Thị Bình"}
    assert listed_names(superuser, found["status-cancelled"][0], names) == {"Lê Văn Cường"}
    category = found[f"category-{delegates.pk}"][0]
    assert listed_names(superuser, category, names) == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert listed_names(superuser, found["total"][0], names) == set(names)

    bookings = superuser.get(found["booth_requests"][0]).content.decode()
    assert "A01" in bookings
    assert "A02" not in bookings
    emails = superuser.get(found["failed_emails"][0]).content.decode()
    assert "a@example.com" in emails
    assert "b@example.com" not in emails


def test_panels_follow_permissions(client, scene, django_user_model):
    user = django_user_model.objects.create_user("xem", "xem@example.org", "x")
    codenames = ["access_admin", "view_registration"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    html = client.get(reverse(HOME)).content.decode()
    assert set(counts(html)) >= {"total", "pending_approval"}
    assert not {"booth_requests", "failed_emails", "arrivals_today"} & set(counts(html))
    assert 'data-dashboard="proceedings"' not in html


def test_no_panel_without_any_permission(client, scene, django_user_model):
    user = django_user_model.objects.create_user("chi-vao", "v@example.org", "x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    html = client.get(reverse(HOME)).content.decode()
    assert "data-dashboard=" not in html
    assert "Sự kiện hiện tại" not in html


def test_query_count_does_not_grow_with_registrations(superuser, scene):
    event, _forum, delegates, press, _guests = scene

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert superuser.get(reverse(HOME)).status_code == 200
        return len(captured)

    superuser.get(reverse(HOME))  # warm caches (content types, site)
    few = queries()
    hall = event.checkin_lists.get()
    for n in range(40):
        guest = RegistrationFactory(category=press if n % 2 else delegates, status=S.CONFIRMED)
        CheckIn.objects.create(registration=guest, checkin_list=hall)
    many = queries()
    assert counts(superuser.get(reverse(HOME)).content.decode())["arrivals_today"][1] == 41
    assert many == few


def test_proceedings_list_offers_a_build_button(superuser, scene):
    _event, forum, *_rest = scene
    ProceedingsBuild.objects.all().delete()
    html = superuser.get(reverse("proceedings_builds:index")).content.decode()
    assert f'href="{reverse("cms_proceedings:index", args=[forum.pk])}"' in html
    assert "Dựng kỷ yếu" in html
