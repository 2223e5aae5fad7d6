"""The activity log: every state-changing service writes exactly one entry for its object, with
the right actor, action, reason and changes, in its own transaction; the log is never edited nor
deleted (model, queryset, database, admin); the admin shows it."""

import datetime as dt
from functools import partial
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.activity import Actor, diff, log_action
from core.models import ActivityEntry, ActivityLogImmutable
from events.checkin.services import (
    Scanner,
    checkin_annul,
    checkin_list_upsert,
    checkin_scan,
    checkin_walkin,
    device_authenticate,
    device_create,
    device_revoke,
    device_rotate_token,
    device_update,
)
from events.enums import RegistrationStatus
from events.exceptions import InvalidTransition
from events.models import CheckIn, Invitation, InvitationImport, Registration
from events.services import (
    event_upsert,
    registration_approve,
    registration_cancel,
    registration_confirm_email,
    registration_confirmation_key,
    registration_create,
    registration_promote_waitlist,
    registration_reissue_badge,
    registration_reject,
    registration_update,
    registrations_expire_unconfirmed,
)
from events.services.certificates import certificates_issue
from events.services.invitations import invitation_import_apply
from exhibitors.enums import BookingStatus
from exhibitors.models import BankStatementFormat, ExhibitorMember
from exhibitors.services import (
    booking_approve,
    booking_cancel,
    booking_expire_due,
    booking_mark_paid,
    booking_move,
    booking_reject,
    booking_request,
    booth_block,
    booth_hold,
    booth_unblock,
    booth_update,
    exhibition_settings_update,
    exhibitor_accept_invitation,
    exhibitor_invite,
    exhibitor_remove_member,
    exhibitor_update,
    extra_price_set,
    payment_record,
    payment_refund,
    proforma_issue,
    receipt_issue,
    staff_add,
    staff_remove,
    statement_import,
    statement_line_ignore,
)
from tests.factories.events import make_category, make_event, person
from tests.factories.exhibitors import make_booths, make_exhibitor, make_user, user_of
from tests.factories.exhibitors import make_event as make_expo

User = get_user_model()
USER, DEVICE, ATTENDEE, SYSTEM = "user", "device", "attendee", "system"


@pytest.fixture
def organizer(db):
    return User.objects.create_superuser(
        username="to-chuc", email="to-chuc@example.com", password="organizer-pass-123"
    )


def entries_of(obj):
    return list(ActivityEntry.objects.for_object(obj))


def one_new_entry(obj, call):
    """Run ``call``; the one entry it wrote for ``obj`` (and exactly one)."""
    before = {entry.pk for entry in entries_of(obj)}
    call()
    new = [entry for entry in entries_of(obj) if entry.pk not in before]
    assert len(new) == 1, [entry.action for entry in new]
    return new[0]


# --- The cases: (object, the service call, what its entry must say) ----------------------------


def expect(obj, call, action, actor, reason="", changes=None) -> SimpleNamespace:
    """A case: ``call()`` must write one entry for ``obj`` (None: the object the call creates,
    which it returns, alone or first) saying ``action``, ``actor`` (kind, who), ``reason`` and
    at least these ``changes`` (None: not checked)."""
    return SimpleNamespace(
        obj=obj, call=call, action=action, actor=actor, reason=reason, changes=changes
    )


def _registration(w, status=RegistrationStatus.CONFIRMED, **category):
    category = make_category(w.event, **category)
    w.made.append(len(w.made) + 1)
    registration = registration_create(
        event=w.event,
        category=category,
        **person(w.made[-1]),
        skip_email_confirmation=status != RegistrationStatus.PENDING_EMAIL,
    )
    assert registration.status == status
    return registration


def _pending_approval(w):
    return _registration(w, RegistrationStatus.PENDING_APPROVAL, needs_approval=True)


def case_registration_created_by_attendee(w):
    category = make_category(w.event)
    call = partial(registration_create, event=w.event, category=category, by=Actor.attendee())
    changes = {"status": [None, "pending_email"], "category": [None, category.name]}
    return expect(
        None, partial(call, **person(90)), "registration.created", (ATTENDEE, None), "", changes
    )


def case_registration_confirmed_email(w):
    registration = _registration(w, RegistrationStatus.PENDING_EMAIL)
    key = registration_confirmation_key(registration=registration)
    changes = {"status": ["pending_email", "confirmed"]}
    call = partial(registration_confirm_email, key=key)
    return expect(registration, call, "registration.email_confirmed", (ATTENDEE, None), "", changes)


def case_registration_approved(w):
    registration = _pending_approval(w)
    call = partial(registration_approve, registration=registration, by=w.organizer, reason="Sở")
    changes = {"status": ["pending_approval", "confirmed"]}
    return expect(registration, call, "registration.approved", (USER, w.organizer), "Sở", changes)


def case_registration_rejected(w):
    registration = _pending_approval(w)
    call = partial(registration_reject, registration=registration, by=w.organizer, reason="Không")
    changes = {"status": ["pending_approval", "rejected"]}
    return expect(
        registration, call, "registration.rejected", (USER, w.organizer), "Không", changes
    )


def case_registration_cancelled_by_attendee(w):
    registration = _registration(w)
    attendee, reason = Actor.attendee(), "by registrant"
    call = partial(registration_cancel, registration=registration, by=attendee, reason=reason)
    changes = {"status": ["confirmed", "cancelled"]}
    return expect(registration, call, "registration.cancelled", (ATTENDEE, None), reason, changes)


def case_registration_updated(w):
    registration = _registration(w)
    call = partial(
        registration_update,
        registration=registration,
        by=w.organizer,
        reason="Đổi đơn vị",
        organization="Sở Tài chính",
        title="",  # unchanged: not in the changes
    )
    changes = {"organization": ["", "Sở Tài chính"]}
    return expect(
        registration, call, "registration.updated", (USER, w.organizer), "Đổi đơn vị", changes
    )


def case_registration_badge_reissued(w):
    registration = _registration(w)
    call = partial(
        registration_reissue_badge, registration=registration, by=w.organizer, reason="Mất"
    )
    # The badge time only: the token, a secret, is not logged (see the test below).
    return expect(registration, call, "registration.badge_reissued", (USER, w.organizer), "Mất")


def case_registration_promoted(w):
    category = make_category(w.event, capacity=1)
    for n in (70, 71):
        waiting = registration_create(
            event=w.event, category=category, **person(n), skip_email_confirmation=True
        )
    assert waiting.status == RegistrationStatus.WAITLISTED

    def call():
        category.capacity = 2
        category.save()
        registration_promote_waitlist(category=category, by=w.organizer)

    changes = {"status": ["waitlisted", "confirmed"]}
    return expect(waiting, call, "registration.promoted", (USER, w.organizer), "", changes)


def case_registration_expired(w):
    registration = _registration(w, RegistrationStatus.PENDING_EMAIL)
    call = partial(registrations_expire_unconfirmed, now=timezone.now() + dt.timedelta(days=10))
    changes = {"status": ["pending_email", "expired"]}
    reason = "confirmation link expired"
    return expect(registration, call, "registration.expired", (SYSTEM, None), reason, changes)


def _door(w, *, walkins=False):
    checkin_list, _created = checkin_list_upsert(event=w.event, name="Hội trường", by=w.organizer)
    device, token = device_create(
        event=w.event, name="Cổng 1", created_by=w.organizer, may_register_walkins=walkins
    )
    return checkin_list, device, device_authenticate(token=token)


def case_checkin_annulled(w):
    checkin_list, device, scanner = _door(w)
    registration = _registration(w)
    checkin_scan(scanner=scanner, list_id=checkin_list.pk, token=registration.token)
    checkin = CheckIn.objects.get(registration=registration)
    call = partial(checkin_annul, checkin_id=checkin.pk, scanner=scanner, reason="Quét nhầm")
    return expect(checkin, call, "checkin.annulled", (DEVICE, device), "Quét nhầm")


def case_checkin_walkin(w):
    checkin_list, device, scanner = _door(w, walkins=True)
    category = make_category(w.event)
    call = partial(
        checkin_walkin,
        scanner=scanner,
        list_id=checkin_list.pk,
        category_id=category.pk,
        **person(80),
    )
    changes = {"status": [None, "confirmed"]}
    reason = "walk-in · Hội trường"
    return expect(None, call, "registration.created", (DEVICE, device), reason, changes)


def case_checkin_list_created(w):
    call = partial(checkin_list_upsert, event=w.event, name="Ăn trưa", by=w.organizer)
    return expect(None, call, "checkin_list.created", (USER, w.organizer))


def case_device_created(w):
    call = partial(device_create, event=w.event, name="Cổng 2", created_by=w.organizer)
    return expect(None, call, "device.created", (USER, w.organizer))


def case_device_token_rotated(w):
    _list, device, _scanner = _door(w)
    call = partial(device_rotate_token, device=device, by=w.organizer, reason="Máy bị mất")
    return expect(device, call, "device.token_rotated", (USER, w.organizer), "Máy bị mất")


def case_device_revoked(w):
    _list, device, _scanner = _door(w)
    call = partial(device_revoke, device=device, by=w.organizer)
    return expect(device, call, "device.revoked", (USER, w.organizer))


def case_device_updated(w):
    _list, device, _scanner = _door(w)
    call = partial(device_update, device=device, by=w.organizer, name="Cổng phụ")
    changes = {"name": ["Cổng 1", "Cổng phụ"]}
    return expect(device, call, "device.updated", (USER, w.organizer), "", changes)


def case_invitation_import(w):
    make_category(w.event, name="Khách mời")
    content = "full_name,email,category\nNguyễn Văn Mời,moi@example.com,Khách mời\n".encode()
    call = partial(
        invitation_import_apply, event=w.event, content=content, file_name="moi.csv", by=w.organizer
    )
    counts = {"created_count": 1, "skipped_count": 0, "rejected_count": 0}
    changes = {field: [None, count] for field, count in counts.items()}
    return expect(None, call, "invitation_import.applied", (USER, w.organizer), "", changes)


def case_event_created(w):
    starts = timezone.now()
    call = partial(
        event_upsert,
        slug="hoi-thao-moi",
        name="Hội thảo mới",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        by=w.organizer,
    )
    return expect(None, call, "event.created", (USER, w.organizer))


def case_event_certificates_issued(w):
    registration = _registration(w)
    hall, _created = checkin_list_upsert(
        event=w.event, name="Hội trường", counts_for_certificate=True
    )
    CheckIn.objects.create(registration=registration, checkin_list=hall)
    call = partial(certificates_issue, event=w.event, by=w.organizer)
    changes = {"certificates": [0, 1]}
    return expect(w.event, call, "event.certificates_issued", (USER, w.organizer), "", changes)


# --- The exhibition ---------------------------------------------------------------------------


def _expo(w):
    event = make_expo(slug="expo-log", name="Expo")
    exhibition_settings_update(
        event=event, booking_open=True, max_booths_per_exhibitor=2, hold_minutes=30
    )
    booths = make_booths(event, count=3)
    exhibitor = make_exhibitor("Công ty Cổ phần Dữ liệu Hải Phòng")
    return SimpleNamespace(
        event=event, booths=booths, exhibitor=exhibitor, owner=user_of(exhibitor)
    )


def _request(scene):
    """``booking_request`` of the scene's booking, with the company's invoice details."""
    return partial(
        booking_request,
        booking=scene.booking,
        by=scene.owner,
        invoice_company=scene.exhibitor.name,
        invoice_tax_code=scene.exhibitor.tax_code,
        invoice_address="12 Lạch Tray, Hải Phòng",
        invoice_email=scene.owner.email,
    )


def _booking(w, status=BookingStatus.HELD):
    scene = _expo(w)
    scene.booking = booth_hold(
        event=scene.event, booth=scene.booths[1], exhibitor=scene.exhibitor, by=scene.owner
    )
    if status in (BookingStatus.REQUESTED, BookingStatus.APPROVED):
        scene.booking = _request(scene)()
    if status == BookingStatus.APPROVED:
        scene.booking = booking_approve(booking=scene.booking, by=w.organizer)
    return scene


def _step(old, new):
    return {"status": [old, new]}


def case_booking_held(w):
    s = _expo(w)
    call = partial(booth_hold, event=s.event, booth=s.booths[0], exhibitor=s.exhibitor, by=s.owner)
    return expect(None, call, "booking.held", (USER, s.owner), "", _step(None, "held"))


def case_booking_requested(w):
    s = _booking(w)
    return expect(
        s.booking, _request(s), "booking.requested", (USER, s.owner), "", _step("held", "requested")
    )


def case_booking_approved(w):
    s = _booking(w, BookingStatus.REQUESTED)
    call = partial(booking_approve, booking=s.booking, by=w.organizer)
    changes = _step("requested", "approved")
    return expect(s.booking, call, "booking.approved", (USER, w.organizer), "", changes)


def case_booking_rejected(w):
    s = _booking(w, BookingStatus.REQUESTED)
    call = partial(booking_reject, booking=s.booking, by=w.organizer, reason="Hết hạn mức")
    changes = _step("requested", "rejected")
    return expect(s.booking, call, "booking.rejected", (USER, w.organizer), "Hết hạn mức", changes)


def case_booking_cancelled(w):
    s = _booking(w, BookingStatus.REQUESTED)
    call = partial(booking_cancel, booking=s.booking, by=s.owner, reason="Đổi kế hoạch")
    changes = _step("requested", "cancelled")
    return expect(s.booking, call, "booking.cancelled", (USER, s.owner), "Đổi kế hoạch", changes)


def case_booking_moved(w):
    s = _booking(w, BookingStatus.APPROVED)
    call = partial(
        booking_move, booking=s.booking, to_booth=s.booths[2], by=w.organizer, reason="Gần cửa"
    )
    changes = {"booth": ["A02", "A03"]}
    return expect(s.booking, call, "booking.moved", (USER, w.organizer), "Gần cửa", changes)


def case_booking_expired(w):
    s = _booking(w)
    call = partial(booking_expire_due, now=timezone.now() + dt.timedelta(hours=2))
    return expect(s.booking, call, "booking.expired", (SYSTEM, None), "", _step("held", "expired"))


def case_booth_blocked(w):
    booth = _expo(w).booths[2]
    call = partial(booth_block, booth=booth, by=w.organizer, reason="Nhà tài trợ")
    changes = {"blocked": [False, True]}
    return expect(booth, call, "booth.blocked", (USER, w.organizer), "Nhà tài trợ", changes)


def case_booth_unblocked(w):
    booth = _expo(w).booths[2]
    booth_block(booth=booth, by=w.organizer, reason="Nhà tài trợ")
    call = partial(booth_unblock, booth=booth, by=w.organizer, reason="Rút")
    changes = {"blocked": [True, False], "blocked_reason": ["Nhà tài trợ", ""]}
    return expect(booth, call, "booth.unblocked", (USER, w.organizer), "Rút", changes)


def case_booth_updated(w):
    booth = _expo(w).booths[2]
    call = partial(booth_update, booth=booth, by=w.organizer, zone="Khu B", x_m=20)
    changes = {"zone": ["Khu A", "Khu B"], "x_m": ["7.4", "20"]}
    return expect(booth, call, "booth.updated", (USER, w.organizer), "", changes)


def case_exhibitor_updated(w):
    s = _expo(w)
    call = partial(exhibitor_update, exhibitor=s.exhibitor, by=s.owner, website="https://dl.vn")
    changes = {"website": ["https://example.com", "https://dl.vn"]}
    return expect(s.exhibitor, call, "exhibitor.updated", (USER, s.owner), "", changes)


COLLEAGUE = "dong-nghiep@example.com"


def _colleague(s, *, joined: bool):
    """A colleague invited by the owner of the scene's company (and joined, if ``joined``)."""
    invitation = exhibitor_invite(exhibitor=s.exhibitor, email=COLLEAGUE, by=s.owner)
    colleague = make_user(COLLEAGUE)
    if joined:
        exhibitor_accept_invitation(token=invitation.token, user=colleague)
    return invitation, colleague


def case_exhibitor_member_invited(w):
    s = _expo(w)
    call = partial(exhibitor_invite, exhibitor=s.exhibitor, email=COLLEAGUE, by=s.owner)
    changes = {"invitation": [None, COLLEAGUE]}
    return expect(s.exhibitor, call, "exhibitor.member_invited", (USER, s.owner), "", changes)


def case_exhibitor_member_added(w):
    s = _expo(w)
    invitation, colleague = _colleague(s, joined=False)
    call = partial(exhibitor_accept_invitation, token=invitation.token, user=colleague)
    changes = {"member": [None, COLLEAGUE]}
    return expect(s.exhibitor, call, "exhibitor.member_added", (USER, colleague), "", changes)


def case_exhibitor_member_removed(w):
    s = _expo(w)
    _invitation, colleague = _colleague(s, joined=True)
    member = ExhibitorMember.objects.get(user=colleague)
    call = partial(exhibitor_remove_member, member=member, by=s.owner)
    changes = {"member": [COLLEAGUE, None], "role": ["member", None]}
    return expect(s.exhibitor, call, "exhibitor.member_removed", (USER, s.owner), "", changes)


TRANG = {"full_name": "Phạm Thu Trang", "email": "trang@example.com"}
TRANG_LABEL = "Phạm Thu Trang <trang@example.com>"


def case_staff_added(w):
    s = _booking(w, BookingStatus.APPROVED)
    call = partial(staff_add, booking=s.booking, by=s.owner, **TRANG)
    changes = {"staff": [None, TRANG_LABEL]}
    return expect(s.booking, call, "booking.staff_added", (USER, s.owner), "", changes)


def case_staff_removed(w):
    s = _booking(w, BookingStatus.APPROVED)
    staff = staff_add(booking=s.booking, by=s.owner, **TRANG)
    call = partial(staff_remove, staff=staff, by=s.owner)
    changes = {"staff": [TRANG_LABEL, None]}
    return expect(s.booking, call, "booking.staff_removed", (USER, s.owner), "", changes)


def case_booking_paid(w):
    s = _booking(w, BookingStatus.APPROVED)
    call = partial(booking_mark_paid, booking=s.booking, by=w.organizer, reason="FT2430012345")
    changes = {"payment_status": ["awaiting", "paid"], "paid_vnd": [0, 12_960_000]}
    return expect(s.booking, call, "booking.paid", (USER, w.organizer), "FT2430012345", changes)


def case_payment_recorded(w):
    s = _booking(w, BookingStatus.APPROVED)
    call = partial(
        payment_record, booking=s.booking, amount_vnd=5_000_000, by=w.organizer, reference="UNC 7"
    )
    changes = {"paid_vnd": [0, 5_000_000], "payment_status": ["awaiting", "deposit"]}
    return expect(s.booking, call, "payment.recorded", (USER, w.organizer), "UNC 7", changes)


def case_payment_refunded(w):
    s = _booking(w, BookingStatus.APPROVED)
    payment_record(booking=s.booking, amount_vnd=5_000_000, by=w.organizer)
    call = partial(payment_refund, booking=s.booking, by=w.organizer, reason="hủy gian")
    changes = {"paid_vnd": [5_000_000, 0], "payment_status": ["deposit", "refunded"]}
    return expect(s.booking, call, "payment.refunded", (USER, w.organizer), "hủy gian", changes)


def case_receipt_issued(w):
    s = _booking(w, BookingStatus.APPROVED)
    call = partial(receipt_issue, booking=s.booking, by=w.organizer)
    return expect(None, call, "receipt.issued", (USER, w.organizer), "", {"number": [None, 1]})


def _statement(w):
    bank = BankStatementFormat.objects.create(
        name="VCB", skip_rows=0, date_column=1, amount_column=2, description_column=3
    )
    data = b"01/12/2026,1.000.000,CHUYEN TIEN\r\n"
    return partial(statement_import, bank=bank, data=data, filename="vcb.csv", by=w.organizer)


def case_bank_statement_imported(w):
    changes = {"lines_new": [None, 1]}
    return expect(None, _statement(w), "bank_statement.imported", (USER, w.organizer), "", changes)


def case_statement_line_ignored(w):
    line = _statement(w)().lines.get()
    call = partial(statement_line_ignore, line=line, by=w.organizer, reason="không phải phí")
    changes = {"state": ["pending", "ignored"]}
    reason = "không phải phí"
    return expect(line, call, "statement_line.ignored", (USER, w.organizer), reason, changes)


def case_proforma_issued(w):
    s = _booking(w, BookingStatus.APPROVED)
    call = partial(proforma_issue, booking=s.booking, by=w.organizer)
    return expect(None, call, "proforma.issued", (USER, w.organizer), "", {"number": [None, 2]})


def case_extra_priced(w):
    call = partial(
        extra_price_set,
        event=w.event,
        code="power",
        price_vnd=1_500_000,
        vat_rate=8,
        by=w.organizer,
    )
    changes = {"price_vnd": [None, 1_500_000], "vat_rate": [None, 8]}
    return expect(None, call, "extra.priced", (USER, w.organizer), "", changes)


CASES = {
    name.removeprefix("case_"): case for name, case in globals().items() if name.startswith("case_")
}


@pytest.fixture
def world(organizer):
    return SimpleNamespace(organizer=organizer, event=make_event(), made=[])


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_service_writes_one_entry_with_its_actor_reason_and_changes(world, name):
    case = CASES[name](world)
    if case.obj is None:  # the service creates the object: it had no entries before
        made = case.call()
        obj = made[0] if isinstance(made, tuple) else made
        found = [entry for entry in entries_of(obj) if entry.action == case.action]
        assert len(found) == 1, [entry.action for entry in entries_of(obj)]
        entry = found[0]
    else:
        obj = case.obj
        entry = one_new_entry(obj, case.call)
    assert entry.action == case.action
    kind, who = case.actor
    assert entry.actor_kind == kind
    if kind == USER:
        assert entry.actor_user == who
        assert entry.actor_label == (who.get_full_name() or who.get_username())
    elif kind == DEVICE:
        assert (entry.actor_ref, entry.actor_label) == (str(who.pk), who.name)
    else:
        assert entry.actor_user is None
    assert entry.reason == case.reason
    if case.changes is not None:
        assert {k: entry.changes.get(k) for k in case.changes} == case.changes
    obj.refresh_from_db()
    assert entry.object_repr == str(obj)[:200]
    assert entry.at <= timezone.now()
    if hasattr(obj, "event_id"):
        assert entry.event_id == obj.event_id


# --- Details of some services -----------------------------------------------------------------


def test_badge_reissue_logs_the_badge_time_but_never_the_token(world):
    registration = _registration(world)
    old_token = registration.token
    entry = one_new_entry(
        registration,
        lambda: registration_reissue_badge(registration=registration, by=world.organizer),
    )
    registration.refresh_from_db()
    assert list(entry.changes) == ["badge_issued_at"]
    assert registration.token not in str(entry.changes) and old_token not in str(entry.changes)


def test_refused_change_writes_no_entry(world):
    registration = _registration(world)
    count = ActivityEntry.objects.count()
    with pytest.raises(InvalidTransition):
        registration_approve(registration=registration, by=world.organizer)
    assert ActivityEntry.objects.count() == count
    # Cancelling what is no longer live changes nothing: no entry either.
    registration_cancel(registration=registration, by=world.organizer)
    count = ActivityEntry.objects.count()
    registration_cancel(registration=registration, by=world.organizer)
    assert ActivityEntry.objects.count() == count


def test_entry_is_written_in_the_callers_transaction(world):
    registration = _registration(world)
    count = ActivityEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        registration_cancel(registration=registration, by=world.organizer, reason="thử")
        assert ActivityEntry.objects.count() == count + 1
        raise RuntimeError("rolled back")
    assert ActivityEntry.objects.count() == count
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_cancelling_a_seat_logs_the_promotion_of_the_next_in_line_by_the_system(world):
    category = make_category(world.event, capacity=1)
    seated = registration_create(
        event=world.event, category=category, **person(1), skip_email_confirmation=True
    )
    waiting = registration_create(
        event=world.event, category=category, **person(2), skip_email_confirmation=True
    )
    registration_cancel(registration=seated, by=world.organizer, reason="Vắng")
    (promoted,) = [e for e in entries_of(waiting) if e.action == "registration.promoted"]
    # Not by the one who cancelled (an attendee on their manage page would read as the promoted
    # one): the system, with the cause; the cause's own entry names its actor.
    assert (promoted.actor_kind, promoted.reason) == (
        SYSTEM,
        f"seat freed by registration #{seated.pk}",
    )
    assert promoted.changes == {"status": ["waitlisted", "confirmed"]}


def test_invitation_import_logs_each_registration_with_the_file(world):
    make_category(world.event, name="Khách mời")
    content = "full_name,email,category\nNguyễn Văn Mời,moi@example.com,Khách mời\n".encode()
    invitation_import_apply(
        event=world.event, content=content, file_name="moi.csv", by=world.organizer
    )
    registration = Invitation.objects.get(email="moi@example.com").registration
    (created,) = entries_of(registration)
    assert (created.action, created.actor_user, created.reason) == (
        "registration.created",
        world.organizer,
        "invitation import · moi.csv",
    )
    assert created.changes["invitation"][1] == registration.invitation.code
    assert InvitationImport.objects.count() == 1


def test_annul_by_staff_user_names_the_user(world):
    checkin_list, _device, device_scanner = _door(world)
    registration = _registration(world)
    checkin_scan(scanner=device_scanner, list_id=checkin_list.pk, token=registration.token)
    checkin = CheckIn.objects.get(registration=registration)
    entry = one_new_entry(
        checkin,
        lambda: checkin_annul(
            checkin_id=checkin.pk, scanner=Scanner(user_id=world.organizer.pk), reason="Nhầm"
        ),
    )
    assert (entry.actor_kind, entry.actor_user) == (USER, world.organizer)
    assert entry.event_id == world.event.pk


def test_the_door_scan_writes_no_entry(world):
    checkin_list, _device, scanner = _door(world)
    registration = _registration(world)
    count = ActivityEntry.objects.count()
    answer = checkin_scan(scanner=scanner, list_id=checkin_list.pk, token=registration.token)
    assert answer["status"] == "ok"
    assert ActivityEntry.objects.count() == count


# --- log_action and Actor ---------------------------------------------------------------------


def test_actor_of_accepts_users_actors_and_nobody(world):
    assert Actor.of(None) == Actor.system()
    assert Actor.of(world.organizer).user_id == world.organizer.pk
    assert Actor.of(Actor.device(3, "Cổng 3")) == Actor(kind=DEVICE, label="Cổng 3", ref="3")
    assert Actor.of(AnonymousUser()).kind == SYSTEM


def test_diff_keeps_only_what_changed():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_changes_keep_dates_and_the_object_survives_its_deletion(world):
    registration = _registration(world)
    moment = timezone.now()
    entry = log_action(
        action="registration.noted",
        obj=registration,
        actor=Actor.system("nightly job"),
        changes={"confirmed_at": [None, moment]},
    )
    entry = ActivityEntry.objects.get(pk=entry.pk)
    # Stored as ISO 8601 text (DjangoJSONEncoder: milliseconds, "Z" for UTC).
    stored = dt.datetime.fromisoformat(entry.changes["confirmed_at"][1].replace("Z", "+00:00"))
    assert abs(stored - moment) < dt.timedelta(milliseconds=1)
    name = str(registration)
    Registration.objects.filter(pk=registration.pk).delete()
    entry = ActivityEntry.objects.get(pk=entry.pk)
    assert entry.object_repr == name
    assert entry.actor_display == f"{ActivityEntry.ActorKind.SYSTEM.label} · nightly job"


def test_deleting_a_user_keeps_their_entries_and_name(world):
    clerk = User.objects.create_user(
        username="can-bo", password="x", first_name="Lan", last_name="Trần"
    )
    registration = _registration(world)
    registration_cancel(registration=registration, by=clerk, reason="Trùng")
    clerk.delete()
    (entry,) = [e for e in entries_of(registration) if e.action == "registration.cancelled"]
    assert entry.actor_user is None
    assert (entry.actor_kind, entry.actor_display, entry.reason) == (USER, "Lan Trần", "Trùng")


# --- Never edited, never deleted --------------------------------------------------------------


def test_model_refuses_to_change_or_delete_an_entry(world):
    registration = _registration(world)
    (entry,) = entries_of(registration)
    entry.reason = "sửa lại"
    with pytest.raises(ActivityLogImmutable):
        entry.save()
    with pytest.raises(ActivityLogImmutable):
        entry.delete()
    with pytest.raises(ActivityLogImmutable):
        ActivityEntry.objects.filter(pk=entry.pk).update(reason="sửa lại")
    with pytest.raises(ActivityLogImmutable):
        ActivityEntry.objects.filter(pk=entry.pk).delete()
    assert ActivityEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.postgres
def test_database_refuses_to_change_or_delete_an_entry(world):
    registration = _registration(world)
    (entry,) = entries_of(registration)
    assert ActivityEntry._meta.db_table == "core_activityentry"
    for statement in (
        "UPDATE core_activityentry SET reason = 'sửa lại' WHERE id = %s",
        "DELETE FROM core_activityentry WHERE id = %s",
        "UPDATE core_activityentry SET actor_user_id = NULL, reason = 'x' WHERE id = %s",
    ):
        with (
            pytest.raises((DatabaseError, IntegrityError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert ActivityEntry.objects.get(pk=entry.pk).reason == ""


# --- The admin --------------------------------------------------------------------------------


def test_registration_page_shows_its_activity(world, client):
    registration = _registration(world, RegistrationStatus.PENDING_APPROVAL, needs_approval=True)
    registration_approve(registration=registration, by=world.organizer, reason="Đại biểu của Sở")
    client.force_login(world.organizer)
    url = reverse("wagtailsnippets_events_registration:inspect", args=[registration.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-activity-action="registration.approved"' in html
    assert "Đại biểu của Sở" in html
    assert 'data-activity-action="registration.created"' in html


def test_admin_action_page_passes_the_reason_to_the_log(world, client):
    registration = _registration(world, RegistrationStatus.PENDING_APPROVAL, needs_approval=True)
    client.force_login(world.organizer)
    url = reverse("wagtailsnippets_events_registration:action", args=[registration.pk, "reject"])
    assert 'name="reason"' in client.get(url).content.decode()
    client.post(url, {"reason": "Không thuộc đối tượng"})
    (entry,) = [e for e in entries_of(registration) if e.action == "registration.rejected"]
    assert (entry.actor_user, entry.reason) == (world.organizer, "Không thuộc đối tượng")


def test_manage_page_logs_the_attendee_themself(world, client):
    registration = _registration(world)
    secret = registration.manage_secret
    client.post(
        reverse("events:manage_edit", args=[secret]),
        {
            "full_name": registration.full_name,
            "phone": "",
            "organization": "Sở Y tế",
            "title": "",
            "language": "vi",
            "needs": "",
        },
    )
    client.post(reverse("events:manage_cancel", args=[secret]))
    updated, cancelled = [
        e for e in entries_of(registration) if e.action != "registration.created"
    ][::-1]
    assert (updated.action, updated.actor_kind, updated.actor_user) == (
        "registration.updated",
        ATTENDEE,
        None,
    )
    assert updated.changes["organization"] == ["", "Sở Y tế"]
    assert (cancelled.action, cancelled.actor_kind, cancelled.reason) == (
        "registration.cancelled",
        ATTENDEE,
        "by registrant",
    )


def test_booking_and_device_pages_show_their_activity(world, client):
    scene = _booking(world, BookingStatus.REQUESTED)
    _list, device, _scanner = _door(world)
    device_revoke(device=device, by=world.organizer, reason="Mất máy")
    client.force_login(world.organizer)
    html = client.get(reverse("exhibition_bookings:decide", args=[scene.booking.pk])).content
    assert b'data-activity-action="booking.requested"' in html
    for url in (
        reverse("checkin_devices:edit", args=[device.pk]),
        reverse("checkin_devices:pair", args=[device.pk]),
    ):
        html = client.get(url).content.decode()
        assert 'data-activity-action="device.revoked"' in html and "Mất máy" in html


def test_global_log_lists_filters_searches_and_exports(world, client):
    registration = _registration(world)
    registration_cancel(registration=registration, by=world.organizer, reason="Trùng lặp")
    _door(world)
    client.force_login(world.organizer)
    index = reverse("activity:index")
    # Rows are told apart by their objects: the guest's name, the device's (the filters' menus
    # list every action code).
    guest, device = registration.full_name, "Cổng 1"
    html = client.get(index).content.decode()
    assert guest in html and device in html
    html = client.get(index, {"action": "registration.cancelled"}).content.decode()
    assert "Trùng lặp" in html and device not in html
    html = client.get(index, {"q": "Trùng lặp"}).content.decode()
    assert guest in html and device not in html
    html = client.get(index, {"actor_kind": "device"}).content.decode()
    assert guest not in html and device not in html
    html = client.get(index, {"actor_user": world.organizer.pk}).content.decode()
    assert "Trùng lặp" in html and device in html
    html = client.get(index, {"event_id": world.event.pk}).content.decode()
    assert guest in html
    today = timezone.localdate()
    html = client.get(
        index, {"at_from": (today - dt.timedelta(days=1)).isoformat(), "at_to": today}
    ).content.decode()
    assert guest in html
    html = client.get(
        index, {"at_from": (today + dt.timedelta(days=1)).isoformat()}
    ).content.decode()
    assert guest not in html
    response = client.get(index, {"export": "csv", "action": "registration.cancelled"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode() if response.streaming else ""
    body = body or response.content.decode()
    assert "registration.cancelled" in body and "Trùng lặp" in body
    response = client.get(index, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_global_log_has_no_add_edit_or_delete(world, client):
    registration = _registration(world)
    (entry,) = entries_of(registration)
    client.force_login(world.organizer)  # a superuser: the policy denies even them
    assert client.get(reverse("activity:add")).status_code in (302, 403)
    assert client.get(reverse("activity:edit", args=[entry.pk])).status_code in (302, 403)
    assert client.post(reverse("activity:edit", args=[entry.pk]), {"reason": "x"}).status_code in (
        302,
        403,
    )
    assert client.post(reverse("activity:delete", args=[entry.pk])).status_code in (302, 403)
    assert ActivityEntry.objects.get(pk=entry.pk).reason == ""
    inspect = client.get(reverse("activity:inspect", args=[entry.pk]))
    assert inspect.status_code == 200
    html = inspect.content.decode()
    assert reverse("activity:edit", args=[entry.pk]) not in html
    assert reverse("activity:delete", args=[entry.pk]) not in html
    assert reverse("activity:add") not in client.get(reverse("activity:index")).content.decode()


def test_global_log_is_closed_to_users_without_its_permission(world, client):
    clerk = User.objects.create_user(username="clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert client.get(reverse("activity:index")).status_code in (302, 403)


def test_device_edit_page_saves_through_the_service_and_logs_it(world, client):
    _list, device, _scanner = _door(world)
    client.force_login(world.organizer)
    url = reverse("checkin_devices:edit", args=[device.pk])
    expires = timezone.localtime(device.expires_at).strftime("%Y-%m-%d %H:%M")
    # The event is fixed once made; the expiry is kept as it was.
    response = client.post(url, {"name": "Cổng VIP", "expires_at": expires})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.name == "Cổng VIP"
    (entry,) = [e for e in entries_of(device) if e.action == "device.updated"]
    assert (entry.actor_user, entry.changes) == (world.organizer, {"name": ["Cổng 1", "Cổng VIP"]})
