"""The exhibition's emails go through the outbox: written with the change that causes them,
kept while the mail server is down, sent once it is back; obsolete ones are cancelled."""

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from exhibitors.enums import BookingStatus
from exhibitors.services import (
    booth_hold,
    exhibitor_accept_invitation,
    exhibitor_invite,
    exhibitor_signup,
)
from exhibitors.services.accounts import exhibitor_verify_email, verification_link_parts
from mail.models import Email
from mail.services import email_send, emails_about, emails_send_due
from tests.factories.exhibitors import make_user, user_of
from tests.factories.mail import free_port, smtp_server, use_smtp

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(minutes=6)


def test_a_booking_email_survives_a_mail_server_outage(
    settings, event, booths, exhibitor, django_capture_on_commit_callbacks
):
    port = free_port()
    use_smtp(settings, port)  # nothing listens there: the mail server is down
    with django_capture_on_commit_callbacks(execute=True):
        booking = booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
    assert booking.status == BookingStatus.HELD  # the hold is not undone by the outage
    email = emails_about(booking).get()
    assert (email.kind, email.status, email.attempts) == ("booking.hold", "pending", 1)
    assert email.to == exhibitor.contact_email
    assert email.language == "vi"
    assert email.last_error.startswith("ConnectionRefusedError")

    with smtp_server(port) as inbox:
        assert emails_send_due(now=timezone.now() + LATER) == 1
    (message,) = inbox.messages
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert message["Message-ID"] == email.message_id
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["To"] == exhibitor.contact_email
    assert str(make_header(decode_header(message["Subject"]))) == (
        "Gian hàng A02 đang được giữ cho bạn"
    )
    assert "Trạng thái: Đang giữ chỗ" in message.get_payload(decode=True).decode()


def test_a_booking_email_is_written_in_the_transaction_of_its_step(event, booths, exhibitor):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
        assert Email.objects.filter(kind="booking.hold").count() == 1
        raise RuntimeError("the step fails after its email was queued")
    assert Email.objects.count() == 0


def test_booking_emails_go_to_the_contact_and_every_member_once(
    event, booths, exhibitor, django_capture_on_commit_callbacks
):
    from exhibitors.models import ExhibitorMember

    colleague = make_user("dong.nghiep@example.com")
    ExhibitorMember.objects.create(exhibitor=exhibitor, user=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
    email = emails_about(booking).get()
    assert email.recipients == [exhibitor.contact_email, "dong.nghiep@example.com"]


def test_the_confirmation_link_is_cancelled_once_the_account_is_on(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    user = exhibitor_signup(email="ha@example.com", password="a long passphrase", full_name="Hà")
    email = emails_about(user).get()
    assert (email.kind, email.to) == ("exhibitor.verify_email", "ha@example.com")
    uidb64, token = verification_link_parts(user)
    exhibitor_verify_email(uidb64=uidb64, token=token, password="a long passphrase")
    assert email_send(email_id=email.pk) == "cancelled"  # nothing left to confirm


def test_an_invitation_accepted_before_its_email_went_is_cancelled(settings, exhibitor):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    invitation = exhibitor_invite(
        exhibitor=exhibitor, email="dong.nghiep@example.com", by=user_of(exhibitor)
    )
    email = emails_about(invitation).get()
    assert (email.kind, email.to, email.created_by) == (
        "exhibitor.invitation",
        "dong.nghiep@example.com",
        user_of(exhibitor),
    )
    exhibitor_accept_invitation(token=invitation.token, user=make_user("dong.nghiep@example.com"))
    assert email_send(email_id=email.pk) == "cancelled"


def test_a_booking_email_task_queued_before_the_outbox_becomes_an_outbox_email(
    event, booths, exhibitor
):
    from exhibitors.tasks import send_booking_email

    booking = booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
    transition = booking.transitions.get()
    send_booking_email.enqueue(transition.pk)  # as the worker finds it after the upgrade
    kinds = list(emails_about(booking).values_list("kind", "status"))
    assert kinds == [("booking.hold", "pending"), ("booking.hold", "pending")]


def test_a_booking_email_takes_the_organizers_words_of_its_event_and_language(
    event, booths, exhibitor, other_exhibitor
):
    from django.core import mail

    from mail.models import EmailText

    EmailText.objects.create(
        event=event,
        kind="booking.hold",
        language="vi",
        subject="Giữ gian {{ booth }} cho {{ name }}",
        body="Kính gửi Quý công ty {{ name }},\n\nGian {{ booth }} giữ đến {{ held_until }}.",
    )
    mine = booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
    theirs = booth_hold(event=event, booth=booths[2], exhibitor=other_exhibitor)  # English
    for booking in (mine, theirs):
        email_send(email_id=emails_about(booking).get().pk)
    vietnamese, english = mail.outbox
    assert vietnamese.subject == "Giữ gian A02 cho Công ty Cổ phần Dữ liệu Hải Phòng"
    until = timezone.localtime(mine.held_until).strftime("%H:%M %d/%m/%Y")
    assert vietnamese.body.startswith(
        f"Kính gửi Quý công ty Công ty Cổ phần Dữ liệu Hải Phòng,\n\nGian A02 giữ đến {until}.\n"
    )
    assert "Trạng thái: Đang giữ chỗ" in vietnamese.body  # the step's details stay
    assert english.subject == "Booth A03 is held for you"
    assert english.body.startswith("Dear Công ty TNHH Đối Thủ,\n\nBooth A03 of Expo 2024 is held")
