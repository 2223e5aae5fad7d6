"""Changing a booth: what a live booking agreed to stays fixed, and a booking's event is always
its booth's event."""

import datetime as dt

import pytest
from django.utils import timezone

from exhibitors.enums import BookingStatus
from exhibitors.exceptions import BoothBooked, BoothEventFixed, WrongEvent
from exhibitors.models import Booth, BoothBooking
from exhibitors.services import (
    booking_approve,
    booking_cancel,
    booking_move,
    booking_request,
    booth_hold,
    booth_update,
)
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_event


def booked(event, booth, exhibitor, organizer, status):
    booking = booth_hold(event=event, booth=booth, exhibitor=exhibitor)
    if status in ("requested", "approved"):
        booking = booking_request(booking=booking, **INVOICE)
    if status == "approved":
        booking = booking_approve(booking=booking, by=organizer)
    return booking


def snapshot(booth) -> tuple:
    booth = Booth.objects.get(pk=booth.pk)
    return (booth.event_id, booth.code, booth.tier, booth.price_vnd, booth.zone)


@pytest.mark.parametrize("status", ["held", "requested", "approved"])
@pytest.mark.parametrize(
    "change",
    [{"price_vnd": 9_000_000}, {"code": "Z99"}, {"tier": "premium"}, {"event": "other"}],
    ids=["price", "code", "tier", "event"],
)
def test_booked_booth_keeps_what_the_exhibitor_agreed_to(
    event, booths, exhibitor, organizer, status, change
):
    booked(event, booths[1], exhibitor, organizer, status)
    if change.get("event"):
        change = {"event": make_event("other-expo", "Other")}
    before = snapshot(booths[1])
    with pytest.raises(BoothBooked):
        booth_update(booth=booths[1], **change)
    assert snapshot(booths[1]) == before


def test_booked_booth_may_still_change_its_zone_and_position(event, booths, exhibitor, organizer):
    booked(event, booths[1], exhibitor, organizer, "approved")
    booth = booth_update(booth=booths[1], zone="Khu B", x_m=20, price_vnd=booths[1].price_vnd)
    assert (booth.zone, booth.x_m, booth.price_vnd) == ("Khu B", 20, 12_000_000)


def test_free_booth_stays_editable(event, booths, exhibitor, organizer):
    booking = booked(event, booths[1], exhibitor, organizer, "approved")
    booking_cancel(booking=booking, by=organizer)
    booth = booth_update(booth=booths[1], code="A22", price_vnd=9_000_000)
    assert (booth.code, booth.price_vnd) == ("A22", 9_000_000)
    booth = booth_update(booth=booths[2], tier="premium", price_vnd=30_000_000)
    assert (booth.tier, booth.price_vnd) == ("premium", 30_000_000)


def test_booth_whose_hold_expired_is_free_to_edit(event, booths, exhibitor, organizer):
    booking = booth_hold(
        event=event,
        booth=booths[1],
        exhibitor=exhibitor,
        now=timezone.now() - dt.timedelta(hours=1),
    )
    booth = booth_update(booth=booths[1], price_vnd=9_000_000)
    assert booth.price_vnd == 9_000_000
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED


def test_booth_with_past_bookings_stays_in_its_event(event, booths, exhibitor, organizer):
    other = make_event("other-expo", "Other")
    booking_cancel(booking=booked(event, booths[1], exhibitor, organizer, "held"), by=organizer)
    with pytest.raises(BoothEventFixed):
        booth_update(booth=booths[1], event=other)
    assert Booth.objects.get(pk=booths[1].pk).event == event
    assert booth_update(booth=booths[2], event=other).event == other


def test_hold_checks_the_event_of_the_booth_as_it_is_now(event, booths, exhibitor, organizer):
    """The caller's booth may be stale: its event is checked on the locked row."""
    other = make_event("other-expo", "Other")
    stale = Booth.objects.get(pk=booths[1].pk)
    booth_update(booth=booths[1], event=other)
    with pytest.raises(WrongEvent):
        booth_hold(event=event, booth=stale, exhibitor=exhibitor)
    assert BoothBooking.objects.count() == 0


def test_move_checks_the_event_of_the_new_booth_as_it_is_now(event, booths, exhibitor, organizer):
    other = make_event("other-expo", "Other")
    booking = booked(event, booths[1], exhibitor, organizer, "requested")
    stale = Booth.objects.get(pk=booths[2].pk)
    booth_update(booth=booths[2], event=other)
    with pytest.raises(WrongEvent):
        booking_move(booking=booking, to_booth=stale, by=organizer)
    booking.refresh_from_db()
    assert (booking.booth_id, booking.event_id) == (booths[1].pk, event.pk)
