"""Whatever an exhibitor sends, the answer is a page or a clear message, never a 500, and a
refused request changes nothing. (The test client raises any exception a view lets out.)"""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exhibitors.enums import BookingStatus
from exhibitors.models import BoothBooking, Exhibitor
from exhibitors.services import booth_hold
from tests.factories.exhibitors import user_of

TEXT = st.text(max_size=300)
FIELDS = st.dictionaries(
    st.sampled_from(
        [
            "extras",
            "invoice_company",
            "invoice_tax_code",
            "invoice_address",
            "invoice_email",
            "notes",
            "accept_tier",
            "reason",
            "full_name",
            "email",
            "position",
            "name",
            "tax_code",
            "sector",
            "website",
            "contact_phone",
            "language",
        ]
    ),
    TEXT.filter(lambda value: "\x00" not in value),
)
SLOW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SLOW
@given(data=FIELDS)
def test_random_posts_to_the_exhibitor_pages_never_fail(client, event, booths, exhibitor, data):
    booking = BoothBooking.objects.filter(exhibitor=exhibitor).first() or booth_hold(
        event=event, booth=booths[0], exhibitor=exhibitor
    )
    client.force_login(user_of(exhibitor))
    for url in [
        f"/exhibitor/bookings/{booking.pk}/",
        f"/exhibitor/bookings/{booking.pk}/staff/",
        "/exhibitor/company/",
        "/exhibitor/members/",
    ]:
        response = client.post(url, data)
        assert response.status_code in (200, 302, 403)
    booking.refresh_from_db()
    if booking.status == BookingStatus.REQUESTED:
        # only a complete, valid form gets that far
        assert booking.invoice_tax_code and data.get("accept_tier")


@SLOW
@given(code=st.text(min_size=1, max_size=40).filter(lambda c: "/" not in c and "\x00" not in c))
def test_random_booth_codes_are_404_or_refused(client, event, booths, exhibitor, code):
    client.force_login(user_of(exhibitor))
    path = f"/exhibition/{event.slug}/booths/{quote(code, safe='')}/"
    response = client.post(path + "hold/", HTTP_ACCEPT="application/json")
    # 400: a control character in the path is refused before any view (core.middleware).
    assert response.status_code in (201, 400, 404, 409)
    assert client.get(path).status_code in (200, 400, 404)


@SLOW
@given(data=FIELDS)
def test_random_signups_never_fail(client, db, data):
    response = client.post("/exhibitor/signup/", data)
    assert response.status_code == 200
    assert Exhibitor.objects.count() == 0
