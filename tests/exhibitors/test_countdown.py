"""A hold's time left: on the booking page ("còn 22 phút", kept current by a static script)
and in the admin's bookings list (translated, not Wagtail's "Just now")."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from wagtail.users.models import UserProfile

from exhibitors.services import booth_hold
from tests.exhibitors.test_deadlines import approve
from tests.factories.exhibitors import user_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(event, booths, exhibitor):
    """A 30-minute hold made 7½ minutes ago: 22 minutes (and some seconds) left."""
    return booth_hold(
        event=event,
        booth=booths[1],
        exhibitor=exhibitor,
        now=timezone.now() - dt.timedelta(minutes=7, seconds=30),
    )


def timer(html: str) -> str:
    (span,) = re.findall(r'<span class="ex-countdown" role="timer"[^>]*>([^<]*)</span>', html)
    return span


def test_the_booking_page_shows_the_time_left_and_the_deadline(client, held, exhibitor):
    client.force_login(user_of(exhibitor))
    until = timezone.localtime(held.held_until).strftime("%H:%M")
    html = client.get(f"/exhibitor/bookings/{held.pk}/").content.decode()
    assert f"được giữ cho bạn đến {until} (" in html
    assert timer(html) == "còn 22 phút"
    assert 'data-word-minute-other="{n} phút"' in html
    assert 'data-word-left="còn {time}"' in html
    assert f'data-countdown="{held.held_until.isoformat(timespec="milliseconds")}"' in html
    # A static script (the CSP allows no inline one) keeps it current.
    assert re.search(r'<script src="/static/js/countdown\.js[^"]*" defer></script>', html)
    assert "<script>" not in html

    english = client.get(f"/en/exhibitor/bookings/{held.pk}/").content.decode()
    assert timer(english) == "22 minutes left"
    assert 'data-word-minute-one="{n} minute"' in english


def test_no_countdown_once_the_booking_is_no_longer_held(client, event, booths, exhibitor):
    booking = approve(event, booths[0], exhibitor, at=timezone.now())
    client.force_login(user_of(exhibitor))
    html = client.get(f"/exhibitor/bookings/{booking.pk}/").content.decode()
    assert "ex-countdown" not in html
    assert "countdown.js" not in html
    due = booking.payment_due.strftime("%d/%m/%Y")
    assert f"Vui lòng thanh toán 16.200.000 ₫ chậm nhất ngày {due}." in html


def test_the_admin_list_shows_the_time_left_translated(client, organizer, held):
    client.force_login(organizer)
    until = timezone.localtime(held.held_until).strftime("%H:%M")
    html = client.get("/admin/exhibition/bookings/").content.decode()
    assert f"{until} · còn 22 phút" in html
    assert "Just now" not in html and "just now" not in html

    profile = UserProfile.get_for_user(organizer)
    profile.preferred_language = "en"
    profile.save()
    html = client.get("/admin/exhibition/bookings/").content.decode()
    assert f"{until} · 22 minutes left" in html
    assert "Just now" not in html and "just now" not in html


def test_the_admin_list_shows_the_payment_due_date(client, organizer, event, booths, exhibitor):
    booking = approve(event, booths[0], exhibitor, at=timezone.now())
    client.force_login(organizer)
    due = booking.payment_due.strftime("%d/%m/%Y")
    html = client.get("/admin/exhibition/bookings/").content.decode()
    assert due in html
    decide = client.get(f"/admin/exhibition/bookings/{booking.pk}/decide/").content.decode()
    assert f"hạn chót {due}" in decide


def test_the_json_api_gives_the_payment_status_and_due_date(client, event, booths, exhibitor):
    booking = approve(event, booths[0], exhibitor, at=timezone.now())
    client.force_login(user_of(exhibitor))
    data = client.get(f"/exhibitor/api/bookings/{booking.pk}/").json()
    assert (data["payment_status"], data["payment_due"]) == (
        "awaiting",
        booking.payment_due.isoformat(),
    )


def test_an_overdue_booking_page_says_so_and_still_shows_how_to_pay(
    client, priced, booths, exhibitor
):
    from exhibitors.services.deadlines import booking_payments_sweep

    booking = approve(priced, booths[0], exhibitor, at=timezone.now() - dt.timedelta(days=10))
    booking_payments_sweep()
    client.force_login(user_of(exhibitor))
    html = client.get(f"/exhibitor/bookings/{booking.pk}/").content.decode()
    assert '<strong data-payment="overdue">Quá hạn</strong>' in html
    due = booking.payment_due.strftime("%d/%m/%Y")
    assert (
        f"Khoản thanh toán 16.200.000 ₫ đã đến hạn ngày {due}. Vui lòng thanh toán sớm nhất có thể."
    ) in html
    assert 'class="segno"' in html  # the VietQR, for a late payment
