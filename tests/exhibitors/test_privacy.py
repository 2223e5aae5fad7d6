"""Staff passes and personal data: a pass records the exhibitor as the basis (no consent box
was ticked), and the purge or an erasure forgets the staff row's copy of the person
(exhibitors/privacy.py)."""

from events.services.privacy import event_purge_personal_data, registration_erase
from exhibitors.models import BoothStaff
from tests.exhibitors.test_staff import add, approved  # noqa: F401 (a fixture)


def test_a_staff_pass_has_the_exhibitor_as_basis_and_no_consent(approved):  # noqa: F811
    registration = add(approved, 1).registration
    assert (registration.data_basis, registration.consent_at, registration.consent_version) == (
        "staff_pass",
        None,
        "",
    )


def test_erasing_a_staff_pass_forgets_the_staff_row_too(approved):  # noqa: F811
    staff, other = add(approved, 1), add(approved, 2)
    registration_erase(registration=staff.registration)
    staff.refresh_from_db()
    assert (staff.full_name, staff.email, staff.position) == (
        "",
        f"staff-{staff.pk}@anonymised.invalid",
        "",
    )
    other.refresh_from_db()
    assert (other.full_name, other.email) == ("Trần Thị Nhân Viên 2", "nhanvien2@example.com")
    assert BoothStaff.objects.filter(booking=approved).count() == 2


def test_the_retention_purge_forgets_every_staff_row_of_the_event(approved):  # noqa: F811
    add(approved, 1), add(approved, 2)
    event_purge_personal_data(event=approved.event)
    assert list(BoothStaff.objects.order_by("pk").values_list("full_name", "position")) == [
        ("", ""),
        ("", ""),
    ]
