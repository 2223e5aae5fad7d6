"""Object-level permissions: another exhibitor tries every view and API on a company's
bookings, staff and members; each answers 404 (or 403) and nothing changes."""

import pytest
from django.contrib.auth import get_user_model

from events.models import Registration
from exhibitors.models import BoothBooking, BoothStaff, Exhibitor, ExhibitorMember
from exhibitors.services import (
    booking_approve,
    booking_request,
    booth_hold,
    exhibitor_accept_invitation,
    exhibitor_invite,
    staff_add,
)
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_user, user_of


@pytest.fixture
def victim(event, booths, exhibitor, organizer):
    """A company with an approved booking (with one staff member), a held one and a member."""
    approved = booking_approve(
        booking=booking_request(
            booking=booth_hold(event=event, booth=booths[0], exhibitor=exhibitor), **INVOICE
        ),
        by=organizer,
    )
    held = booth_hold(event=event, booth=booths[1], exhibitor=exhibitor)
    staff = staff_add(booking=approved, full_name="Lê Văn Bảo", email="bao@example.com")
    invitation = exhibitor_invite(
        exhibitor=exhibitor, email="member@example.com", by=user_of(exhibitor)
    )
    member = exhibitor_accept_invitation(
        token=invitation.token, user=make_user("member@example.com")
    )
    pending = exhibitor_invite(
        exhibitor=exhibitor, email="later@example.com", by=user_of(exhibitor)
    )
    return {
        "approved": approved,
        "held": held,
        "staff": staff,
        "member": member,
        "invitation": pending,
    }


def snapshot():
    return {
        "bookings": sorted(
            BoothBooking.objects.values_list("pk", "status", "booth_id", "extras", "reason")
        ),
        "staff": sorted(BoothStaff.objects.values_list("pk", "status", "booking_id")),
        "registrations": sorted(Registration.objects.values_list("pk", "status", "token")),
        "members": sorted(ExhibitorMember.objects.values_list("pk", "exhibitor_id", "role")),
        "exhibitors": sorted(Exhibitor.objects.values_list("pk", "name", "tax_code")),
        "transitions": sum(b.transitions.count() for b in BoothBooking.objects.all()),
    }


ATTEMPTS = [
    ("get", "/exhibitor/bookings/{held}/", {}),
    ("post", "/exhibitor/bookings/{held}/", {**INVOICE, "accept_tier": "on"}),
    ("get", "/exhibitor/bookings/{approved}/", {}),
    ("post", "/exhibitor/bookings/{approved}/cancel/", {"reason": "x"}),
    ("post", "/exhibitor/bookings/{held}/cancel/", {}),
    ("post", "/exhibitor/bookings/{approved}/staff/", {"full_name": "X", "email": "x@e.com"}),
    ("post", "/exhibitor/staff/{staff}/remove/", {}),
    ("get", "/exhibitor/staff/{staff}/badge.pdf", {}),
    ("post", "/exhibitor/members/{member}/remove/", {}),
    ("get", "/exhibitor/api/bookings/{approved}/", {}),
    ("get", "/exhibitor/api/bookings/{held}/", {}),
]


@pytest.mark.parametrize(("method", "url", "data"), ATTEMPTS)
def test_another_exhibitor_gets_404_and_changes_nothing(
    client, victim, other_exhibitor, method, url, data
):
    ids = {name: obj.pk for name, obj in victim.items()}
    before = snapshot()
    client.force_login(user_of(other_exhibitor))
    response = getattr(client, method)(url.format(**ids), data)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url", "data"), ATTEMPTS)
def test_a_visitor_is_sent_to_the_login_and_changes_nothing(client, victim, method, url, data):
    ids = {name: obj.pk for name, obj in victim.items()}
    before = snapshot()
    response = getattr(client, method)(url.format(**ids), data)
    if "/api/" in url:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/exhibitor/login/?next=")
    assert snapshot() == before


def test_lists_show_only_the_own_company(client, victim, other_exhibitor):
    client.force_login(user_of(other_exhibitor))
    assert client.get("/exhibitor/api/bookings/").json() == {"bookings": []}
    html = client.get("/exhibitor/").content.decode()
    assert f"/exhibitor/bookings/{victim['approved'].pk}/" not in html
    html = client.get("/exhibitor/members/").content.decode()
    assert "member@example.com" not in html
    assert "later@example.com" not in html


def test_another_exhibitor_cannot_take_an_invitation(client, victim, other_exhibitor):
    before = snapshot()
    client.force_login(user_of(other_exhibitor))
    response = client.post(f"/exhibitor/invitations/{victim['invitation'].token}/")
    assert response.status_code == 200
    assert snapshot() == before


def test_company_profile_edits_only_the_own_company(client, victim, exhibitor, other_exhibitor):
    client.force_login(user_of(other_exhibitor))
    client.post(
        "/exhibitor/company/",
        {
            "name": "Renamed",
            "tax_code": exhibitor.tax_code,
            "sector": "software",
            "contact_name": "A",
            "contact_phone": "0912345678",
            "contact_email": "a@example.com",
            "language": "vi",
        },
    )
    exhibitor.refresh_from_db()
    other_exhibitor.refresh_from_db()
    assert exhibitor.name == "Công ty Cổ phần Dữ liệu Hải Phòng"
    assert other_exhibitor.name == "Công ty TNHH Đối Thủ"  # taken tax code: refused


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/admin/exhibition/bookings/{held}/decide/", {}),
        ("post", "/admin/exhibition/bookings/{held}/decide/", {"action": "cancel"}),
        ("post", "/admin/exhibition/bookings/{approved}/decide/", {"action": "cancel"}),
        ("get", "/admin/exhibition/", {}),
        ("get", "/admin/exhibition/bookings/?export=csv", {}),
        ("get", "/admin/exhibition/exhibitors/?export=csv", {}),
    ],
)
def test_exhibitors_have_no_access_to_the_organizer_views(
    client, victim, other_exhibitor, method, url, data
):
    ids = {name: obj.pk for name, obj in victim.items()}
    before = snapshot()
    client.force_login(user_of(other_exhibitor))
    response = getattr(client, method)(url.format(**ids), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert snapshot() == before


def test_only_owners_or_organizers_manage_a_company_whoever_calls_the_services(exhibitor):
    """The rule lives in the services, not only in the views that call them."""
    from exhibitors.enums import MemberRole
    from exhibitors.exceptions import NotAllowed
    from exhibitors.services import exhibitor_remove_member, exhibitor_update
    from tests.factories.exhibitors import make_exhibitor

    member_user = make_user("member@example.com")
    member = ExhibitorMember.objects.create(
        exhibitor=exhibitor, user=member_user, role=MemberRole.MEMBER
    )
    stranger = user_of(make_exhibitor())
    for by in (member_user, stranger, None):
        with pytest.raises(NotAllowed):
            exhibitor_update(exhibitor=exhibitor, by=by, name="Công ty Giả")
        with pytest.raises(NotAllowed):
            exhibitor_invite(exhibitor=exhibitor, email="x@example.com", by=by)
        with pytest.raises(NotAllowed):
            exhibitor_remove_member(member=member, by=by)
    exhibitor.refresh_from_db()
    assert exhibitor.name != "Công ty Giả"
    organizer = get_user_model().objects.create_superuser("org2", "org2@example.com", "pw")
    exhibitor_remove_member(member=member, by=organizer)
    assert not ExhibitorMember.objects.filter(pk=member.pk).exists()
