"""Staff passes: registrations in the exhibitor-staff category, through the registration
services, up to the quota of the booth's tier; removing a member cancels the badge."""

import pytest
from django.core import mail

from events.enums import RegistrationStatus
from events.models import Registration
from events.services import registration_create
from exhibitors.enums import BookingStatus, StaffStatus
from exhibitors.exceptions import (
    NotApproved,
    StaffAlreadyRegistered,
    StaffOverQuota,
    StaffQuotaReached,
)
from exhibitors.models import BoothStaff
from exhibitors.services import (
    booking_approve,
    booking_cancel,
    booking_move,
    booking_request,
    booth_hold,
    exhibition_settings_update,
    staff_add,
    staff_category_get,
    staff_remove,
)
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import user_of
from tests.factories.pdf import pdf_qr_tokens, pdf_text
from tests.factories.pdfcheck import pdf_check


@pytest.fixture
def approved(event, booths, exhibitor, organizer):
    """An approved booking of the corner booth A01 (4 passes by default)."""
    booking = booth_hold(event=event, booth=booths[0], exhibitor=exhibitor)
    booking = booking_request(booking=booking, **INVOICE)
    return booking_approve(booking=booking, by=organizer)


def add(booking, n, **kwargs):
    return staff_add(
        booking=booking,
        full_name=f"Trần Thị Nhân Viên {n}",
        email=f"nhanvien{n}@example.com",
        position="Kỹ sư giải pháp",
        **kwargs,
    )


def test_staff_member_becomes_a_confirmed_registration_with_its_own_badge(
    approved, exhibitor, django_capture_on_commit_callbacks
):
    user = user_of(exhibitor)
    with django_capture_on_commit_callbacks(execute=True):
        staff = add(approved, 1, by=user)
    registration = staff.registration
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.category == staff_category_get(event=approved.event)
    assert registration.category.slug == "exhibitor-staff"
    assert registration.category.is_public is False
    assert (registration.full_name, registration.email, registration.organization) == (
        "Trần Thị Nhân Viên 1",
        "nhanvien1@example.com",
        exhibitor.name,
    )
    assert registration.title == "Kỹ sư giải pháp"
    assert registration.created_by == user
    assert [m.to for m in mail.outbox] == [["nhanvien1@example.com"]]
    second = add(approved, 2)
    assert second.registration.token != registration.token


def test_staff_badge_pdf_carries_the_name_and_the_token(client, approved, exhibitor, tmp_path):
    staff = add(approved, 1)
    client.force_login(user_of(exhibitor))
    response = client.get(f"/exhibitor/staff/{staff.pk}/badge.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Trần Thị Nhân Viên 1 Kỹ sư giải pháp Công ty Cổ phần Dữ liệu Hải Phòng" in text
    assert pdf_qr_tokens(response.content, tmp_path) == [staff.registration.token]


def test_quota_follows_the_booth_tier(event, approved):
    exhibition_settings_update(event=event, staff_quota_corner=2)
    add(approved, 1)
    add(approved, 2)
    with pytest.raises(StaffQuotaReached) as error:
        add(approved, 3)
    assert error.value.code == "staff_quota_reached"
    assert Registration.objects.count() == 2
    assert BoothStaff.objects.count() == 2


def test_removing_a_member_cancels_the_badge_and_frees_the_pass(event, approved):
    exhibition_settings_update(event=event, staff_quota_corner=1)
    staff = add(approved, 1)
    removed = staff_remove(staff=staff)
    staff.registration.refresh_from_db()
    assert removed.status == StaffStatus.REMOVED
    assert staff.registration.status == RegistrationStatus.CANCELLED
    replacement = add(approved, 2)
    assert replacement.registration.status == RegistrationStatus.CONFIRMED


def test_staff_needs_an_approved_booking(event, booths, exhibitor):
    held = booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
    with pytest.raises(NotApproved):
        add(held, 1)
    assert Registration.objects.count() == 0


def test_person_already_registered_is_refused_with_a_clear_message(event, approved):
    category = staff_category_get(event=event)
    registration_create(
        event=event,
        category=category,
        full_name="Trần Thị Nhân Viên 1",
        email="NHANVIEN1@example.com",
        skip_email_confirmation=True,
    )
    with pytest.raises(StaffAlreadyRegistered) as error:
        add(approved, 1)
    assert str(error.value.message) == "Người này đã đăng ký tham dự sự kiện."
    assert BoothStaff.objects.count() == 0
    assert Registration.objects.count() == 1


def test_cancelling_the_booking_cancels_every_badge(approved, exhibitor):
    first, second = add(approved, 1), add(approved, 2)
    booking_cancel(booking=approved, by=user_of(exhibitor))
    statuses = set(
        Registration.objects.filter(
            pk__in=[first.registration_id, second.registration_id]
        ).values_list("status", flat=True)
    )
    assert statuses == {RegistrationStatus.CANCELLED}
    assert set(BoothStaff.objects.values_list("status", flat=True)) == {StaffStatus.REMOVED}
    approved.refresh_from_db()
    assert approved.status == BookingStatus.CANCELLED


def test_move_to_a_smaller_tier_with_too_many_staff_is_refused(booths, approved, organizer, event):
    exhibition_settings_update(event=event, staff_quota_standard=1)
    add(approved, 1)
    add(approved, 2)
    with pytest.raises(StaffOverQuota):
        booking_move(booking=approved, to_booth=booths[1], by=organizer)
    approved.refresh_from_db()
    assert approved.booth == booths[0]


def test_staff_pass_pdf_opens_everywhere(client, approved, exhibitor):
    """qpdf, Ghostscript, poppler: no warning, every page; Title, Author, Lang, embedded fonts."""
    staff = add(approved, 1)
    client.force_login(user_of(exhibitor))
    response = client.get(f"/exhibitor/staff/{staff.pk}/badge.pdf")
    report = pdf_check(response.content)
    assert report.pages == 1
    assert report.info["Title"] == "Trần Thị Nhân Viên 1"
    assert report.info["Author"] == (approved.event.organizer or approved.event.name)
    assert report.lang == staff.registration.language
