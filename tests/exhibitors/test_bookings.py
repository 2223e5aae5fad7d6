"""The booking lifecycle through the services: hold, request, approve/reject, cancel, move,
block, limits, expiry (periodic and on read), transitions and emails."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from exhibitors import selectors
from exhibitors.enums import BookingAction, BookingStatus, BoothState
from exhibitors.exceptions import (
    BookingClosed,
    BoothBlocked,
    BoothHasBooking,
    BoothUnavailable,
    HoldExpired,
    InvalidTaxCode,
    InvalidTransition,
    LimitReached,
    ReasonRequired,
    WrongEvent,
)
from exhibitors.models import BoothBooking
from exhibitors.services import (
    booking_approve,
    booking_cancel,
    booking_expire_due,
    booking_move,
    booking_reject,
    booking_request,
    booth_block,
    booth_hold,
    booth_unblock,
    exhibition_settings_update,
)
from exhibitors.tasks import expire_booking_hold
from tests.factories.exhibitors import INVOICE, make_booths, make_event, make_exhibitor, user_of


def hold(event, booth, exhibitor, **kwargs):
    return booth_hold(event=event, booth=booth, exhibitor=exhibitor, **kwargs)


def test_hold_then_request_then_approve_records_every_step(
    event, booths, exhibitor, organizer, django_capture_on_commit_callbacks
):
    user = user_of(exhibitor)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        booking = hold(event, booths[1], exhibitor, by=user)
        booking = booking_request(booking=booking, by=user, extras=["power", "screen"], **INVOICE)
        booking = booking_approve(booking=booking, by=organizer)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    assert booking.price_vnd == 12_000_000
    assert booking.extras == ["power", "screen"]
    assert booking.decided_by == organizer
    steps = list(booking.transitions.values_list("action", "from_status", "to_status", "by"))
    assert steps == [
        ("hold", "", "held", user.pk),
        ("request", "held", "requested", user.pk),
        ("approve", "requested", "approved", organizer.pk),
    ]
    assert all(t.at >= before for t in booking.transitions.all())
    assert [m.subject for m in mail.outbox] == [
        "Gian hàng A02 đang được giữ cho bạn",
        "Đã gửi yêu cầu đặt gian hàng A02",
        "Gian hàng A02 đã được xác nhận",
        "Gian hàng A02: vui lòng thanh toán 12.960.000 ₫ chậm nhất ngày "
        + booking.payment_due.strftime("%d/%m/%Y"),
    ]
    assert mail.outbox[2].to == [exhibitor.contact_email]
    assert "12.000.000 ₫" in mail.outbox[2].body


def test_emails_go_out_in_the_exhibitor_language(
    event, booths, other_exhibitor, organizer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = hold(event, booths[1], other_exhibitor)
        booking = booking_request(booking=booking, **INVOICE)
        booking_reject(booking=booking, by=organizer, reason="Gian hàng dành cho ngành y tế")
    assert [m.subject for m in mail.outbox] == [
        "Booth A02 is held for you",
        "Your request for booth A02 was sent",
        "Your request for booth A02 was declined",
    ]
    assert "Reason: Gian hàng dành cho ngành y tế" in mail.outbox[2].body
    assert "12,000,000 ₫" in mail.outbox[2].body
    assert "/en/exhibitor/bookings/" in mail.outbox[2].body


def test_each_email_states_the_status_of_its_own_step(
    event, booths, other_exhibitor, organizer, django_capture_on_commit_callbacks
):
    """The email task runs after the commit, with a task worker maybe much later, when the
    booking may have moved on: each email states what its step did, not today's status."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking = hold(event, booths[1], other_exhibitor)
        booking = booking_request(booking=booking, **INVOICE)
        booking_approve(booking=booking, by=organizer)
        assert mail.outbox == []  # the four emails go out once the booking is approved
    assert len(callbacks) == 4  # the steps' three and what is to be paid
    statuses = [
        line for m in mail.outbox for line in m.body.splitlines() if line.startswith("Status:")
    ]
    assert statuses == ["Status: Held", "Status: Requested", "Status: Approved"]


def test_each_email_states_the_price_of_its_own_step(
    event, booths, other_exhibitor, organizer, django_capture_on_commit_callbacks
):
    """A move changes the price: an email sent after it (a task worker behind) still states the
    price its own step had."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_approve(
            booking=booking_request(booking=hold(event, booths[1], other_exhibitor), **INVOICE),
            by=organizer,
        )
        booking_move(booking=booking, to_booth=booths[0], by=organizer)
        assert mail.outbox == []
    prices = [
        line for m in mail.outbox for line in m.body.splitlines() if line.startswith("Price:")
    ]
    assert prices == ["Price: 12,000,000 ₫"] * 3 + ["Price: 15,000,000 ₫"]


def test_emails_wait_for_the_commit(event, booths, exhibitor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hold(event, booths[1], exhibitor)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_held_booth_cannot_be_held_by_another(event, booths, exhibitor, other_exhibitor):
    hold(event, booths[0], exhibitor)
    with pytest.raises(BoothUnavailable) as error:
        hold(event, booths[0], other_exhibitor)
    assert error.value.code == "booth_unavailable"
    assert str(error.value.message) == (
        "Gian hàng này không còn trống. Vui lòng chọn gian hàng khác."
    )
    assert BoothBooking.objects.filter(booth=booths[0]).count() == 1


@pytest.mark.parametrize("status", ["requested", "approved"])
def test_requested_or_booked_booth_cannot_be_held(
    event, booths, exhibitor, other_exhibitor, organizer, status
):
    booking = booking_request(booking=hold(event, booths[0], exhibitor), **INVOICE)
    if status == "approved":
        booking_approve(booking=booking, by=organizer)
    with pytest.raises(BoothUnavailable):
        hold(event, booths[0], other_exhibitor)
    assert BoothBooking.objects.count() == 1


def test_blocked_booth_cannot_be_held(event, booths, exhibitor, organizer):
    booth_block(booth=booths[0], by=organizer, reason="Nhà tài trợ")
    with pytest.raises(BoothBlocked) as error:
        hold(event, booths[0], exhibitor)
    assert error.value.code == "booth_blocked"
    assert BoothBooking.objects.count() == 0
    booth_unblock(booth=booths[0], by=organizer)
    assert hold(event, booths[0], exhibitor).status == BookingStatus.HELD


def test_booth_of_another_event_is_refused(event, booths, exhibitor):
    other = make_event("other-expo", "Other expo")
    other_booth = make_booths(other, count=1)[0]
    with pytest.raises(WrongEvent):
        hold(event, other_booth, exhibitor)
    assert BoothBooking.objects.count() == 0


def test_booking_closed_is_refused(event, booths, exhibitor):
    exhibition_settings_update(event=event, booking_open=False)
    with pytest.raises(BookingClosed) as error:
        hold(event, booths[0], exhibitor)
    assert str(error.value.message) == "Việc đặt gian hàng của sự kiện này đã đóng."
    assert BoothBooking.objects.count() == 0


def test_booking_closed_after_its_closing_time(event, booths, exhibitor):
    exhibition_settings_update(
        event=event, booking_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(BookingClosed):
        hold(event, booths[0], exhibitor)


def test_request_after_booking_closed_is_refused(event, booths, exhibitor):
    booking = hold(event, booths[0], exhibitor)
    exhibition_settings_update(event=event, booking_open=False)
    with pytest.raises(BookingClosed):
        booking_request(booking=booking, **INVOICE)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD


def test_limit_per_exhibitor(event, booths, exhibitor):
    hold(event, booths[0], exhibitor)
    hold(event, booths[1], exhibitor)
    with pytest.raises(LimitReached) as error:
        hold(event, booths[2], exhibitor)
    assert error.value.code == "limit_reached"
    assert BoothBooking.objects.filter(exhibitor=exhibitor).count() == 2


def test_limit_counts_only_live_bookings(event, booths, exhibitor):
    exhibition_settings_update(event=event, max_booths_per_exhibitor=1)
    first = hold(event, booths[0], exhibitor)
    booking_cancel(booking=first, by=user_of(exhibitor))
    second = hold(event, booths[1], exhibitor)
    assert second.status == BookingStatus.HELD


def test_request_with_expired_hold_is_refused_and_changes_nothing(event, booths, exhibitor):
    now = timezone.now()
    booking = hold(event, booths[0], exhibitor, now=now - dt.timedelta(minutes=31))
    with pytest.raises(HoldExpired) as error:
        booking_request(booking=booking, now=now, **INVOICE)
    assert error.value.code == "hold_expired"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD
    assert booking.invoice_address == ""
    assert booking.transitions.count() == 1


def test_request_with_an_invalid_invoice_tax_code_is_refused(event, booths, exhibitor):
    booking = hold(event, booths[0], exhibitor)
    with pytest.raises(InvalidTaxCode):
        booking_request(booking=booking, **{**INVOICE, "invoice_tax_code": "0100109107"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD


def test_request_twice_is_an_invalid_transition(event, booths, exhibitor):
    booking = booking_request(booking=hold(event, booths[0], exhibitor), **INVOICE)
    with pytest.raises(InvalidTransition):
        booking_request(booking=booking, **INVOICE)


def test_approve_needs_a_request(event, booths, exhibitor, organizer):
    booking = hold(event, booths[0], exhibitor)
    with pytest.raises(InvalidTransition):
        booking_approve(booking=booking, by=organizer)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD


def test_reject_needs_a_reason(event, booths, exhibitor, organizer):
    booking = booking_request(booking=hold(event, booths[0], exhibitor), **INVOICE)
    with pytest.raises(ReasonRequired):
        booking_reject(booking=booking, by=organizer, reason="   ")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_rejected_booth_is_free_again(event, booths, exhibitor, other_exhibitor, organizer):
    booking = booking_request(booking=hold(event, booths[0], exhibitor), **INVOICE)
    booking_reject(booking=booking, by=organizer, reason="Trùng ngành hàng")
    booking.refresh_from_db()
    assert (booking.status, booking.reason) == (BookingStatus.REJECTED, "Trùng ngành hàng")
    assert hold(event, booths[0], other_exhibitor).exhibitor == other_exhibitor


def test_exhibitor_cancels_an_approved_booking(
    event, booths, exhibitor, organizer, django_capture_on_commit_callbacks
):
    booking = booking_approve(
        booking=booking_request(booking=hold(event, booths[0], exhibitor), **INVOICE),
        by=organizer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by=user_of(exhibitor), reason="Đổi kế hoạch")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    last = booking.transitions.last()
    assert (last.action, last.from_status, last.to_status, last.by) == (
        "cancel",
        "approved",
        "cancelled",
        user_of(exhibitor),
    )
    assert mail.outbox[-1].subject == "Đã hủy đặt gian hàng A01"
    with pytest.raises(InvalidTransition):
        booking_cancel(booking=booking, by=organizer)


def test_move_in_one_step_keeps_status_and_records_both_booths(
    event, booths, exhibitor, organizer, django_capture_on_commit_callbacks
):
    booking = booking_approve(
        booking=booking_request(booking=hold(event, booths[1], exhibitor), **INVOICE),
        by=organizer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_move(booking=booking, to_booth=booths[0], by=organizer, reason="Góc đẹp hơn")
    booking.refresh_from_db()
    assert (booking.booth, booking.status, booking.price_vnd) == (
        booths[0],
        BookingStatus.APPROVED,
        15_000_000,
    )
    move = booking.transitions.get(action=BookingAction.MOVE)
    assert (move.from_booth, move.to_booth, move.from_status, move.to_status, move.by) == (
        booths[1],
        booths[0],
        "approved",
        "approved",
        organizer,
    )
    assert mail.outbox[-1].subject == "Gian hàng của bạn đã chuyển từ A02 sang A01"
    plan = selectors.floor_plan_context(event=event)
    states = {item.booth.code: item.state for item in plan["booths"]}
    assert (states["A01"], states["A02"]) == (BoothState.BOOKED, BoothState.AVAILABLE)


def test_move_to_a_taken_or_blocked_booth_is_refused(
    event, booths, exhibitor, other_exhibitor, organizer
):
    booking = hold(event, booths[0], exhibitor)
    hold(event, booths[1], other_exhibitor)
    booth_block(booth=booths[2], by=organizer, reason="Sponsor")
    with pytest.raises(BoothUnavailable):
        booking_move(booking=booking, to_booth=booths[1], by=organizer)
    with pytest.raises(BoothBlocked):
        booking_move(booking=booking, to_booth=booths[2], by=organizer)
    other_event_booth = make_booths(make_event("x-expo", "X"), count=1)[0]
    with pytest.raises(WrongEvent):
        booking_move(booking=booking, to_booth=other_event_booth, by=organizer)
    booking.refresh_from_db()
    assert booking.booth == booths[0]
    assert booking.transitions.count() == 1


def test_block_refuses_a_booth_with_a_live_booking(event, booths, exhibitor, organizer):
    hold(event, booths[0], exhibitor)
    with pytest.raises(BoothHasBooking):
        booth_block(booth=booths[0], by=organizer, reason="Sponsor")
    booths[0].refresh_from_db()
    assert booths[0].blocked is False


# --- Expiry -----------------------------------------------------------------------------------


def test_expired_hold_reads_as_available_on_every_read(event, booths, exhibitor):
    booking = hold(event, booths[0], exhibitor)
    BoothBooking.objects.filter(pk=booking.pk).update(
        held_until=timezone.now() - dt.timedelta(seconds=1)
    )
    plan = selectors.floor_plan_context(event=event)
    assert plan["booths"][0].state == BoothState.AVAILABLE
    assert selectors.booth_on_plan(event=event, code="A01").state == BoothState.AVAILABLE
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD  # a read writes nothing
    assert booking.effective_status() == BookingStatus.EXPIRED
    # and the limit no longer counts it
    exhibition_settings_update(event=event, max_booths_per_exhibitor=1)
    assert hold(event, booths[1], exhibitor).status == BookingStatus.HELD


def test_expired_hold_is_expired_when_another_exhibitor_takes_the_booth(
    event, booths, exhibitor, other_exhibitor, django_capture_on_commit_callbacks
):
    booking = hold(event, booths[0], exhibitor, now=timezone.now() - dt.timedelta(minutes=31))
    with django_capture_on_commit_callbacks(execute=True):
        taken = hold(event, booths[0], other_exhibitor)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert taken.status == BookingStatus.HELD
    assert [m.subject for m in mail.outbox] == [
        "Gian hàng A01 đã hết thời gian giữ chỗ",
        "Booth A01 is held for you",
    ]


def test_periodic_command_expires_due_holds_and_emails(
    event, booths, exhibitor, other_exhibitor, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = hold(event, booths[0], exhibitor, now=now - dt.timedelta(minutes=45))
    fresh = hold(event, booths[1], other_exhibitor, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_booth_holds", stdout=(out := __import__("io").StringIO()))
    assert out.getvalue() == "1 hold(s) expired.\n"
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert (due.status, fresh.status) == (BookingStatus.EXPIRED, BookingStatus.HELD)
    step = due.transitions.last()
    assert (step.action, step.from_status, step.to_status, step.by) == (
        "expire",
        "held",
        "expired",
        None,
    )
    assert [m.subject for m in mail.outbox] == ["Gian hàng A01 đã hết thời gian giữ chỗ"]
    assert booking_expire_due() == 0


def test_hold_duration_comes_from_the_settings(event, booths, exhibitor):
    exhibition_settings_update(event=event, hold_minutes=5)
    now = timezone.now()
    booking = hold(event, booths[0], exhibitor, now=now)
    assert booking.held_until == now + dt.timedelta(minutes=5)


def test_cancel_of_an_expired_hold_is_refused(event, booths, exhibitor):
    booking = hold(event, booths[0], exhibitor, now=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(HoldExpired):
        booking_cancel(booking=booking, by=user_of(exhibitor))


def test_occupancy_summary_counts_states_and_revenue(
    event, booths, exhibitor, other_exhibitor, organizer
):
    third = make_exhibitor("Công ty Ba")
    approved = booking_approve(
        booking=booking_request(booking=hold(event, booths[0], exhibitor), **INVOICE),
        by=organizer,
    )
    requested = booking_request(booking=hold(event, booths[1], other_exhibitor), **INVOICE)
    held = hold(event, booths[2], third)
    booth_block(booth=booths[4], by=organizer, reason="Sponsor")
    summary = selectors.occupancy_summary(event=event)
    counts = {entry["state"]: entry["count"] for entry in summary["legend"]}
    assert counts == {"available": 1, "held": 1, "requested": 1, "booked": 1, "blocked": 1}
    assert summary["expected_revenue"] == approved.price_vnd == 15_000_000
    assert summary["pending_revenue"] == 24_000_000
    assert summary["pending"] == [requested, held]


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_with_the_database_backend_each_hold_schedules_its_own_expiry(
    settings, event, booths, exhibitor, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    past = timezone.now() - dt.timedelta(minutes=31)
    with django_capture_on_commit_callbacks(execute=True):
        due = hold(event, booths[0], exhibitor, now=past)
        later = hold(event, booths[1], exhibitor)
    scheduled = DBTaskResult.objects.filter(task_path="exhibitors.tasks.expire_booking_hold")
    assert sorted((r.args_kwargs["args"][0], r.run_after) for r in scheduled) == sorted(
        [(due.pk, due.held_until), (later.pk, later.held_until)]
    )
    # what the worker does: run the tasks whose time has come
    for result in scheduled.filter(run_after__lte=timezone.now()):
        expire_booking_hold.call(*result.args_kwargs["args"])
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (BookingStatus.EXPIRED, BookingStatus.HELD)
    assert due.transitions.last().action == "expire"
