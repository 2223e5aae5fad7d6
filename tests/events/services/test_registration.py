"""Registration services: double opt-in, seats, waitlist, approval, invitations, emails."""

import datetime as dt
import re
import unicodedata

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import ActivityEntry
from events.enums import RegistrationStatus as S
from events.exceptions import (
    AlreadyRegistered,
    CategoryNotAvailable,
    ConfirmationLinkExpired,
    ConfirmationLinkInvalid,
    ConfirmationLinkUsed,
    ConsentRequired,
    InvalidDetails,
    InvalidInvitation,
    InvalidPhone,
    InvalidTransition,
    RegistrationClosed,
)
from events.models import Invitation, Registration
from events.services import (
    registration_approve,
    registration_cancel,
    registration_confirm_email,
    registration_confirmation_key,
    registration_create,
    registration_notify_registered_again,
    registration_promote_event_waitlist,
    registration_promote_waitlist,
    registration_reissue_badge,
    registration_reject,
    registration_update,
    registrations_expire_unconfirmed,
)
from events.services.invitations import invitation_import_preview
from events.services.registration import CONFIRM_SALT
from mail.models import Email
from tests.factories.events import make_category, make_event, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the email tasks) of the block, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def create(event, category, n, **kwargs):
    return registration_create(event=event, category=category, **person(n), **kwargs)


def confirm_link(message) -> str:
    return re.search(r"/register/confirm/(\S+)/", message.body).group(1)


def test_public_registration_waits_for_the_email_and_holds_no_seat(run_on_commit):
    event = make_event()
    category = make_category(event, capacity=1)
    with run_on_commit():
        registration = create(event, category, 1, phone="0912 345 678")
    assert registration.status == S.PENDING_EMAIL
    assert registration.phone == "+84912345678"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nguoi1@example.com"]
    assert confirm_link(mail.outbox[0])
    # the seat is still free: a walk-in gets it
    walk_in = create(event, category, 2, skip_email_confirmation=True)
    assert walk_in.status == S.CONFIRMED


def test_confirming_the_email_confirms_and_sends_badge_ics_and_manage_link(run_on_commit):
    event = make_event()
    category = make_category(event, capacity=10)
    with run_on_commit():
        registration = create(event, category, 1)
    key = confirm_link(mail.outbox[0])
    with run_on_commit():
        confirmed = registration_confirm_email(key=key)
    assert confirmed.pk == registration.pk
    assert confirmed.status == S.CONFIRMED
    assert confirmed.email_confirmed_at is not None
    message = mail.outbox[1]
    assert f"/registration/{confirmed.manage_secret}/" in message.body
    assert confirmed.token not in message.body  # the QR secret is not the manage secret
    assert [a[2] for a in message.attachments] == ["application/pdf", "text/calendar"]
    assert message.attachments[0][1][:5] == b"%PDF-"
    assert "BEGIN:VEVENT" in message.attachments[1][1]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert confirmed.manage_secret in html


def test_confirmation_link_works_once():
    event = make_event()
    registration = create(event, make_category(event), 1)
    key = registration_confirmation_key(registration=registration)
    registration_confirm_email(key=key)
    with pytest.raises(ConfirmationLinkUsed):
        registration_confirm_email(key=key)


def test_confirmation_link_expires_and_expires_the_registration(settings):
    settings.REGISTRATION_CONFIRM_HOURS = 48
    event = make_event()
    registration = create(event, make_category(event), 1)

    class Past(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(timezone.now().timestamp()) - 49 * 3600)

    old_key = Past(salt=CONFIRM_SALT).sign_object(registration.pk)
    with pytest.raises(ConfirmationLinkExpired):
        registration_confirm_email(key=old_key)
    registration.refresh_from_db()
    assert registration.status == S.EXPIRED


def test_tampered_confirmation_link_is_invalid():
    event = make_event()
    registration = create(event, make_category(event), 1)
    key = registration_confirmation_key(registration=registration)
    with pytest.raises(ConfirmationLinkInvalid):
        registration_confirm_email(key=key[:-2] + ("AA" if key[-2:] != "AA" else "BB"))
    with pytest.raises(ConfirmationLinkInvalid):
        registration_confirm_email(key="not-a-key")


def test_unconfirmed_registrations_expire_and_free_the_email_only():
    event = make_event()
    category = make_category(event, capacity=1)
    stale = create(event, category, 1)
    Registration.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    fresh = create(event, category, 2)
    assert registrations_expire_unconfirmed() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == (S.EXPIRED, S.PENDING_EMAIL)
    again = create(event, category, 1, skip_email_confirmation=True)
    assert again.status == S.CONFIRMED  # the seat was never held by the expired one


def test_a_stale_unconfirmed_registration_does_not_block_registering_again():
    event = make_event()
    category = make_category(event)
    stale = create(event, category, 1)
    Registration.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )
    again = create(event, category, 1)
    stale.refresh_from_db()
    assert (stale.status, again.status) == (S.EXPIRED, S.PENDING_EMAIL)


def test_one_live_registration_per_email_and_event_case_blind():
    event = make_event()
    category = make_category(event)
    create(event, category, 1)
    with pytest.raises(AlreadyRegistered) as error:
        registration_create(
            event=event, category=category, full_name="Ai Đó", email="NGUOI1@Example.com"
        )
    assert error.value.code == "already_registered"
    assert Registration.objects.count() == 1
    # another event is fine
    other = make_event()
    create(other, make_category(other), 1)
    assert Registration.objects.count() == 2


KEY = "k" * 32  # a form's idempotency key


def test_the_same_form_key_gives_back_its_registration_and_writes_nothing():
    event = make_event()
    category = make_category(event)
    first = create(event, category, 1, idempotency_key=KEY)
    again = registration_create(
        event=event,
        category=category,
        full_name="Người Tham Dự 1",
        email="NGUOI1@example.com",
        idempotency_key=KEY,
    )
    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    assert Email.objects.count() == 1  # the first confirmation link only
    assert ActivityEntry.objects.filter(action="registration.created").count() == 1


def test_a_form_key_sent_again_for_another_person_registers_them_without_it():
    event = make_event()
    category = make_category(event)
    first = create(event, category, 1, idempotency_key=KEY)
    second = create(event, category, 2, idempotency_key=KEY)
    assert second.pk != first.pk
    assert (first.idempotency_key, second.idempotency_key) == (KEY, "")
    # Without a key, a known email is still refused by the service (the view tells the owner).
    with pytest.raises(AlreadyRegistered):
        create(event, category, 2)


def test_a_form_key_sent_again_after_its_registration_was_cancelled_registers_anew():
    event = make_event()
    category = make_category(event)
    first = create(event, category, 1, idempotency_key=KEY)
    registration_cancel(registration=first)
    again = create(event, category, 1, idempotency_key=KEY)
    assert again.pk != first.pk
    assert (again.status, again.idempotency_key) == (S.PENDING_EMAIL, "")


def test_the_same_form_key_in_another_event_is_another_registration():
    event, other = make_event(), make_event()
    first = create(event, make_category(event), 1, idempotency_key=KEY)
    second = create(other, make_category(other), 1, idempotency_key=KEY)
    assert first.pk != second.pk
    assert Registration.objects.filter(idempotency_key=KEY).count() == 2


def test_the_owner_of_a_known_email_is_told_in_their_language(run_on_commit):
    event = make_event()
    category = make_category(event)
    registration = create(event, category, 1, skip_email_confirmation=True, language="en")
    mail.outbox.clear()
    with run_on_commit():
        told = registration_notify_registered_again(event=event, email=" NGUOI1@example.com ")
        nobody = registration_notify_registered_again(event=event, email="nobody@example.com")
    assert (told, nobody) == (True, False)
    [message] = mail.outbox
    assert message.to == ["nguoi1@example.com"]
    assert message.subject == f"You are already registered: {event.name}"
    assert f"/registration/{registration.manage_secret}/" in message.body
    assert message.attachments == []  # no badge: it only says someone tried
    email = Email.objects.get(kind="registration.registered_again")
    assert (email.to, email.language, email.object_id) == (
        "nguoi1@example.com",
        "en",
        registration.pk,
    )


def test_cancelled_registration_lets_the_email_register_again():
    event = make_event()
    category = make_category(event)
    first = create(event, category, 1, skip_email_confirmation=True)
    registration_cancel(registration=first)
    second = create(event, category, 1, skip_email_confirmation=True)
    assert second.status == S.CONFIRMED


def test_category_capacity_confirms_then_waitlists():
    event = make_event()
    category = make_category(event, capacity=2)
    statuses = [create(event, category, n, skip_email_confirmation=True).status for n in range(3)]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]


def test_event_capacity_waitlists_across_categories():
    event = make_event(capacity=2)
    press = make_category(event, name="Báo chí", capacity=10)
    guests = make_category(event, name="Đại biểu", capacity=10)
    a = create(event, press, 1, skip_email_confirmation=True)
    b = create(event, guests, 2, skip_email_confirmation=True)
    c = create(event, guests, 3, skip_email_confirmation=True)
    assert [a.status, b.status, c.status] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]


def test_cancel_frees_the_seat_and_promotes_the_first_waitlisted(run_on_commit):
    event = make_event()
    category = make_category(event, capacity=1)
    seated = create(event, category, 1, skip_email_confirmation=True)
    first = create(event, category, 2, skip_email_confirmation=True)
    second = create(event, category, 3, skip_email_confirmation=True)
    mail.outbox.clear()
    with run_on_commit():
        cancelled = registration_cancel(registration=seated)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (cancelled.status, first.status, second.status) == (
        S.CANCELLED,
        S.CONFIRMED,
        S.WAITLISTED,
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["nguoi1@example.com", "nguoi2@example.com"]
    promoted = next(m for m in mail.outbox if m.to == ["nguoi2@example.com"])
    assert promoted.attachments[0][2] == "application/pdf"


def test_an_event_wide_seat_goes_to_whoever_waited_longest_in_any_category():
    event = make_event(capacity=2)
    press = make_category(event, name="Báo chí")
    guests = make_category(event, name="Đại biểu")
    seated = create(event, press, 1, skip_email_confirmation=True)
    create(event, guests, 2, skip_email_confirmation=True)
    waited_longest = create(event, guests, 3, skip_email_confirmation=True)
    waited_less = create(event, press, 4, skip_email_confirmation=True)
    assert (waited_longest.status, waited_less.status) == (S.WAITLISTED, S.WAITLISTED)
    registration_cancel(registration=seated)  # a press seat is freed...
    waited_longest.refresh_from_db()
    waited_less.refresh_from_db()
    # ...and it is the event's: the guest who waited longer gets it.
    assert (waited_longest.status, waited_less.status) == (S.CONFIRMED, S.WAITLISTED)
    newcomer = create(event, press, 5, skip_email_confirmation=True)
    assert newcomer.status == S.WAITLISTED  # no jumping the queue either


def test_an_event_wide_seat_respects_each_categorys_own_limit():
    event = make_event(capacity=3)
    press = make_category(event, name="Báo chí")
    guests = make_category(event, name="Đại biểu", capacity=1)
    seated = create(event, press, 1, skip_email_confirmation=True)
    create(event, guests, 2, skip_email_confirmation=True)
    create(event, press, 3, skip_email_confirmation=True)
    guest_waiting = create(event, guests, 4, skip_email_confirmation=True)  # guests are full
    press_waiting = create(event, press, 5, skip_email_confirmation=True)  # the event is full
    registration_cancel(registration=seated)
    guest_waiting.refresh_from_db()
    press_waiting.refresh_from_db()
    assert (guest_waiting.status, press_waiting.status) == (S.WAITLISTED, S.CONFIRMED)


def test_raising_the_event_capacity_seats_the_event_waitlist_in_order():
    event = make_event(capacity=1)
    press = make_category(event, name="Báo chí")
    guests = make_category(event, name="Đại biểu")
    create(event, press, 1, skip_email_confirmation=True)
    first = create(event, guests, 2, skip_email_confirmation=True)
    second = create(event, press, 3, skip_email_confirmation=True)
    third = create(event, guests, 4, skip_email_confirmation=True)
    event.capacity = 3
    event.save()
    assert registration_promote_event_waitlist(event=event) == 2
    statuses = [
        r.status
        for r in Registration.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("pk")
    ]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert registration_promote_event_waitlist(event=event) == 0


def test_cancel_is_idempotent_and_cancelling_a_waitlisted_promotes_nobody():
    event = make_event()
    category = make_category(event, capacity=1)
    seated = create(event, category, 1, skip_email_confirmation=True)
    waiting = create(event, category, 2, skip_email_confirmation=True)
    registration_cancel(registration=waiting)
    again = registration_cancel(registration=waiting)
    seated.refresh_from_db()
    assert (again.status, seated.status) == (S.CANCELLED, S.CONFIRMED)
    assert Registration.objects.filter(status=S.CONFIRMED).count() == 1


def test_raising_the_capacity_fills_seats_from_the_waitlist_in_order():
    event = make_event()
    category = make_category(event, capacity=1)
    regs = [create(event, category, n, skip_email_confirmation=True) for n in range(4)]
    category.capacity = 3
    category.save()
    assert registration_promote_waitlist(category=category) == 2
    statuses = [Registration.objects.get(pk=r.pk).status for r in regs]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]


def test_category_that_needs_approval_waits_then_approve_gives_a_seat():
    event = make_event()
    press = make_category(event, name="Báo chí", capacity=1, needs_approval=True)
    a = create(event, press, 1, skip_email_confirmation=True)
    b = create(event, press, 2, skip_email_confirmation=True)
    assert (a.status, b.status) == (S.PENDING_APPROVAL, S.PENDING_APPROVAL)
    assert registration_approve(registration=a).status == S.CONFIRMED
    assert registration_approve(registration=b).status == S.WAITLISTED
    with pytest.raises(InvalidTransition):
        registration_approve(registration=a)
    rejected = registration_reject(registration=b)
    assert rejected.status == S.REJECTED


def test_invitation_code_unlocks_an_invitation_only_category_once():
    event = make_event()
    public = make_category(event)
    vip = make_category(event, name="Khách mời VIP", is_public=False, needs_approval=True)
    invitation = Invitation.objects.create(event=event, category=vip)
    with pytest.raises(CategoryNotAvailable):
        create(event, vip, 1)
    registration = create(event, public, 2, invitation_code=invitation.code.lower())
    assert registration.category == vip  # the invitation's category wins
    registration_confirm_email(key=registration_confirmation_key(registration=registration))
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED  # the invitation is the approval
    with pytest.raises(InvalidInvitation):
        create(event, public, 3, invitation_code=invitation.code)
    with pytest.raises(InvalidInvitation):
        create(event, public, 4, invitation_code="NOPE")
    assert Registration.objects.count() == 1


def test_an_invitation_never_moves_a_registration_to_another_events_category():
    event, other = make_event(), make_event()
    public = make_category(event)
    foreign = make_category(other, name="Khách mời sự kiện khác", is_public=False)
    invitation = Invitation(event=event, category=foreign)
    with pytest.raises(ValidationError) as refused:
        invitation.full_clean()
    assert "category" in refused.value.message_dict
    invitation.save()  # as a bad row already in the database would be
    with pytest.raises(InvalidInvitation):
        create(event, public, 1, invitation_code=invitation.code)
    assert Registration.objects.count() == 0


def test_closed_registration_refuses_the_public_but_not_walk_ins():
    past = timezone.now() - dt.timedelta(days=1)
    event = make_event(closes=past)
    category = make_category(event)
    with pytest.raises(RegistrationClosed):
        create(event, category, 1)
    assert Registration.objects.count() == 0
    assert create(event, category, 2, skip_email_confirmation=True).status == S.CONFIRMED
    not_yet = make_event(opens=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(RegistrationClosed):
        create(not_yet, make_category(not_yet), 3)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"consent": False}, ConsentRequired),
        ({"email": "not-an-email"}, InvalidDetails),
        ({"full_name": "   "}, InvalidDetails),
        ({"full_name": "A" * 121}, InvalidDetails),
        ({"organization": "B" * 201}, InvalidDetails),
        ({"phone": "12345"}, InvalidPhone),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(changes, error):
    event = make_event()
    data = {**person(1), **changes}
    with pytest.raises(error):
        registration_create(event=event, category=make_category(event), **data)
    assert Registration.objects.count() == 0
    assert Email.objects.count() == 0


def test_names_are_stored_in_nfc():
    event = make_event()
    nfd = unicodedata.normalize("NFD", "Hoàng  Minh Cường")
    registration = registration_create(
        event=event, category=make_category(event), full_name=nfd, email="h@example.com"
    )
    registration.refresh_from_db()
    assert registration.full_name == "Hoàng Minh Cường"
    assert unicodedata.is_normalized("NFC", registration.full_name)
    assert registration.search_key.startswith("hoang minh cuong")


MESSY = {
    "full_name": unicodedata.normalize("NFD", "  Hoàng \t Minh   Cường "),
    "phone": " 0912.345.678 ",
    "organization": " Viettel   Hải Phòng ",
    "title": " Giám   đốc ",
}
TIDY = {
    "full_name": "Hoàng Minh Cường",
    "phone": "+84912345678",
    "organization": "Viettel Hải Phòng",
    "title": "Giám đốc",
}


def test_details_are_cleaned_alike_by_create_update_and_the_csv_import():
    event = make_event()
    category = make_category(event, name="Khách mời")
    created = registration_create(event=event, category=category, email=" h@example.com ", **MESSY)
    assert {field: getattr(created, field) for field in TIDY} == TIDY
    assert created.email == "h@example.com"
    other = create(event, category, 2)
    updated = registration_update(registration=other, **MESSY)
    assert {field: getattr(updated, field) for field in TIDY} == TIDY
    csv = (
        "full_name,email,phone,organization,title,category\n"
        f"{MESSY['full_name']},k@example.com,{MESSY['phone']},{MESSY['organization']},"
        f"{MESSY['title']},Khách mời\n"
        ",empty@example.com,,,,Khách mời\n"
        f"{MESSY['full_name']}{'A' * 120},long@example.com,,,,Khách mời\n"
        f"{MESSY['full_name']},not-an-email,,{MESSY['organization']},,Khách mời\n"
    )
    rows = invitation_import_preview(event=event, content=csv.encode()).rows
    assert [(row.action, row.reason_code) for row in rows] == [
        ("create", ""),
        ("reject", "missing_name"),
        ("reject", "too_long"),
        ("reject", "bad_email"),
    ]
    assert {field: getattr(rows[0], field) for field in TIDY} == TIDY
    # A rejected row is reported with its details tidied too.
    assert (rows[3].full_name, rows[3].organization) == ("Hoàng Minh Cường", "Viettel Hải Phòng")


def test_reissue_gives_a_new_token(run_on_commit):
    event = make_event()
    registration = create(event, make_category(event), 1, skip_email_confirmation=True)
    old = registration.token
    mail.outbox.clear()
    with run_on_commit():
        reissued = registration_reissue_badge(registration=registration)
    assert reissued.token != old
    assert len(reissued.token) == 32  # 160 bits in base32
    assert not Registration.objects.filter(token=old).exists()
    assert mail.outbox[0].attachments[0][2] == "application/pdf"


def test_a_name_change_reissues_the_badge_other_changes_do_not():
    event = make_event()
    registration = create(event, make_category(event), 1, skip_email_confirmation=True)
    token = registration.token
    updated = registration_update(registration=registration, organization="VNPT Hải Phòng")
    assert (updated.token, updated.organization) == (token, "VNPT Hải Phòng")
    renamed = registration_update(registration=updated, full_name="Đỗ Thị Hà")
    assert renamed.token != token
    assert renamed.search_key.startswith("do thi ha")


def test_tokens_are_random_urlsafe_and_unique():
    event = make_event()
    category = make_category(event)
    tokens = {create(event, category, n).token for n in range(20)}
    assert len(tokens) == 20
    assert all(re.fullmatch(r"[A-Z2-7]{32}", token) for token in tokens)  # base32: 160 bits
