"""The floor plan in metres: the hall, booths placed and sized, labelled shapes; the editor's
service and admin page (without JavaScript); the public plan's drawing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.activity import ActivityEntry
from exhibitors.exceptions import PlanInvalid
from exhibitors.models import Booth, ExhibitionSettings, PlanShape
from exhibitors.selectors import short_name, wrap_lines
from exhibitors.services import (
    booking_approve,
    booking_request,
    booth_hold,
    booth_update,
    exhibition_settings_update,
    plan_save,
)
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_booths, make_event, make_exhibitor

PLAN = "/exhibition/expo-2024/"
EDITOR = "/admin/exhibition/plan/"
D = Decimal


def place(x, y, w=3, d=3) -> dict:
    return {"x_m": D(str(x)), "y_m": D(str(y)), "width_m": D(str(w)), "depth_m": D(str(d))}


def stage(**changes) -> dict:
    return {"kind": "stage", "label": "Sân khấu", "label_en": "Stage", **place(10, 0, 8, 3)}


def plan_state(event) -> tuple:
    """Everything a plan save may change, to show that a refusal changed nothing."""
    settings_ = ExhibitionSettings.objects.get(event=event)
    return (
        (settings_.hall_width_m, settings_.hall_depth_m),
        sorted(Booth.objects.filter(event=event).values_list("code", "x_m", "y_m", "width_m")),
        sorted(PlanShape.objects.filter(event=event).values_list("kind", "x_m", "y_m")),
        ActivityEntry.objects.filter(action="plan.updated").count(),
    )


# --- The service ------------------------------------------------------------------------------


def test_plan_save_places_booths_in_the_hall_with_its_shapes(event, booths, organizer):
    plan_save(
        event=event,
        hall_width_m=D(40),
        hall_depth_m=D(25),
        booths={booths[0].pk: place("20.5", 12, 4, "2.5")},
        shapes=[stage()],
        by=organizer,
    )
    booth = Booth.objects.get(pk=booths[0].pk)
    assert (booth.x_m, booth.y_m, booth.width_m, booth.depth_m) == (
        D("20.5"),
        D(12),
        D(4),
        D("2.5"),
    )
    assert Booth.objects.get(pk=booths[1].pk).x_m == D("4.2")  # not given: kept
    settings_ = ExhibitionSettings.objects.get(event=event)
    assert (settings_.hall_width_m, settings_.hall_depth_m) == (D(40), D(25))
    [shape] = PlanShape.objects.filter(event=event)
    assert (shape.kind, shape.label, shape.width_m) == ("stage", "Sân khấu", D(8))
    entry = ActivityEntry.objects.get(action="plan.updated")
    assert entry.actor_user == organizer
    assert entry.changes["A01"] == [["1", "1", "3", "3"], ["20.5", "12", "4", "2.5"]]
    assert entry.changes["hall"] == [[None, None], ["40", "25"]]
    assert "A02" not in entry.changes

    # the shape moves, then goes
    plan_save(
        event=event,
        hall_width_m=D(40),
        hall_depth_m=D(25),
        booths={},
        shapes=[{**stage(), "id": shape.pk, "x_m": D(12)}],
    )
    assert PlanShape.objects.get(pk=shape.pk).x_m == D(12)
    plan_save(
        event=event,
        hall_width_m=D(40),
        hall_depth_m=D(25),
        booths={},
        shapes=[{**stage(), "id": shape.pk, "delete": True}],
    )
    assert not PlanShape.objects.filter(event=event).exists()


@pytest.mark.parametrize(
    ("hall", "booth_places", "shapes", "message"),
    [
        (
            (20, 10),
            {0: place(18, 1)},
            [],
            "Gian hàng A01 nằm ngoài phạm vi hội trường (20 × 10 m).",
        ),
        (
            (20, 10),
            {1: place("2.5", 1)},
            [],
            "Gian hàng A01 và Gian hàng A02 chồng lên nhau.",
        ),
        (
            (20, "7.5"),
            {},
            [{**stage(), **place(10, 6, 8, 3)}],
            "Sân khấu nằm ngoài phạm vi hội trường (20 × 7,5 m).",
        ),
        ((20, None), {}, [], "Hãy nhập cả chiều rộng và chiều sâu của hội trường"),
    ],
    ids=["booth-outside", "overlap", "shape-outside", "half-a-hall"],
)
def test_an_impossible_plan_is_refused_whole_with_a_translated_reason(
    event, booths, organizer, hall, booth_places, shapes, message
):
    plan_save(event=event, hall_width_m=D(30), hall_depth_m=D(12), booths={}, shapes=[])
    before = plan_state(event)
    with translation.override("vi"), pytest.raises(PlanInvalid) as caught:
        plan_save(
            event=event,
            hall_width_m=D(str(hall[0])),
            hall_depth_m=D(str(hall[1])) if hall[1] else None,
            # every plan also moves A05 to a free place: that too is not saved
            booths={
                **{booths[i].pk: p for i, p in booth_places.items()},
                booths[4].pk: place(1, 5),
            },
            shapes=shapes,
            by=organizer,
        )
    assert message in caught.value.message
    assert caught.value.message.startswith("Sơ đồ mặt bằng chưa được lưu.")
    assert plan_state(event) == before


def test_a_booth_of_another_event_is_refused(event, booths):
    other = make_booths(make_event("other-expo", "Other"), count=1)[0]
    with pytest.raises(PlanInvalid):
        plan_save(
            event=event,
            hall_width_m=None,
            hall_depth_m=None,
            booths={other.pk: place(0, 0)},
            shapes=[],
        )
    assert Booth.objects.get(pk=other.pk).x_m == D(1)


def test_booth_form_refuses_a_place_that_overlaps_another_booth(event, booths, organizer):
    with translation.override("vi"), pytest.raises(PlanInvalid) as caught:
        booth_update(booth=booths[1], by=organizer, x_m=D(2))
    assert "Gian hàng A01 và Gian hàng A02 chồng lên nhau." in caught.value.message
    assert Booth.objects.get(pk=booths[1].pk).x_m == D("4.2")
    assert booth_update(booth=booths[1], by=organizer, x_m=D(4)).x_m == D(4)  # touching is fine


# --- The editor (the forms, without JavaScript) -----------------------------------------------


def editor_form(event, **changes) -> dict:
    """The editor's form as it comes filled in, with ``changes`` ("booths-0-x_m": "9")."""
    booths = list(Booth.objects.filter(event=event).order_by("code"))
    settings_ = ExhibitionSettings.objects.get(event=event)
    data = {
        "hall-hall_width_m": settings_.hall_width_m or "",
        "hall-hall_depth_m": settings_.hall_depth_m or "",
        "booths-TOTAL_FORMS": len(booths),
        "booths-INITIAL_FORMS": len(booths),
        "shapes-TOTAL_FORMS": 2,
        "shapes-INITIAL_FORMS": 0,
    }
    for i, booth in enumerate(booths):
        data[f"booths-{i}-booth"] = booth.pk
        for field in ("x_m", "y_m", "width_m", "depth_m"):
            data[f"booths-{i}-{field}"] = getattr(booth, field)
    for i in range(2):
        data[f"shapes-{i}-kind"] = "other"
    data.update(changes)
    return data


def test_editor_saves_the_plan_and_the_public_plan_follows(admin_client, client, event, booths):
    response = admin_client.get(EDITOR)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="booths-0-x_m"' in html and 'data-plan-item="booths-4"' in html
    assert 'aria-label="x (m) · A01"' in html
    form = editor_form(
        event,
        **{
            "hall-hall_width_m": "40",
            "hall-hall_depth_m": "25",
            "booths-0-x_m": "30.5",
            "booths-0-y_m": "20",
            "shapes-0-kind": "entrance",
            "shapes-0-label": "Lối vào chính",
            "shapes-0-label_en": "Main entrance",
            "shapes-0-x_m": "16",
            "shapes-0-y_m": "24",
            "shapes-0-width_m": "8",
            "shapes-0-depth_m": "1",
        },
    )
    response = admin_client.post(EDITOR, form)
    assert response.status_code == 302
    assert (Booth.objects.get(pk=booths[0].pk).x_m, Booth.objects.get(pk=booths[0].pk).y_m) == (
        D("30.5"),
        D(20),
    )
    html = client.get(PLAN).content.decode()
    assert 'viewBox="0 0 40 25"' in html
    assert '<rect class="fp-rect" x="30.5" y="20" width="3" height="3"' in html
    assert ">Lối vào chính</text>" in html
    assert ">Main entrance</text>" in client.get("/en" + PLAN).content.decode()
    # the editor draws the saved shape, with its label
    html = admin_client.get(EDITOR).content.decode()
    assert 'data-plan-item="shapes-0" tabindex="0" aria-label="Lối vào chính"' in html


def test_editor_shows_why_a_plan_is_refused_and_saves_nothing(admin_client, event, booths):
    before = Booth.objects.get(pk=booths[0].pk).x_m
    form = editor_form(event, **{"booths-0-x_m": "3", "booths-4-x_m": "abc"})
    response = admin_client.post(EDITOR, form)
    assert response.status_code == 400  # a field that is not a number: the form says so
    assert "Nhập một số." in response.content.decode()
    response = admin_client.post(EDITOR, editor_form(event, **{"booths-0-x_m": "3"}))
    assert response.status_code == 400
    assert "Gian hàng A01 và Gian hàng A02 chồng lên nhau." in response.content.decode()
    assert Booth.objects.get(pk=booths[0].pk).x_m == before
    assert not ActivityEntry.objects.filter(action="plan.updated").exists()


def test_editor_needs_the_permission_to_change_booths(client, event, booths):
    from django.contrib.auth.models import Permission

    from tests.factories.exhibitors import make_user

    user = make_user()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(EDITOR)
    assert response.status_code in (302, 403)
    assert client.post(EDITOR, editor_form(event, **{"booths-0-x_m": "30"})).status_code in (
        302,
        403,
    )
    assert Booth.objects.get(pk=booths[0].pk).x_m == D(1)


# --- The public plan --------------------------------------------------------------------------


def test_booked_booths_show_the_exhibitor_short_name_and_logo(client, event, booths):
    from tests.exhibitors.test_views import png_upload

    exhibitor = make_exhibitor("Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)")
    exhibitor.logo.save("vnpt.png", png_upload(), save=True)
    booking = booking_request(
        booking=booth_hold(event=event, booth=booths[1], exhibitor=exhibitor), **INVOICE
    )
    booking_approve(booking=booking, by=None)
    html = client.get(PLAN).content.decode()
    assert '<text class="fp-name" x="5.7" y=' in html and ">VNPT</text>" in html
    assert f'<image class="fp-logo" href="{exhibitor.logo.url}"' in html
    # a booth too small for the logo still shows the name
    booth_update(booth=booths[1], width_m=D(2))
    html = client.get(PLAN).content.decode()
    assert ">VNPT</text>" in html and 'class="fp-logo"' not in html


def test_short_names_and_lines_fit_the_booth():
    assert short_name("Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)") == "Viettel"
    assert short_name("Công ty Cổ phần BKAV") == "BKAV"
    assert short_name("Hợp tác xã Rau sạch") == "Hợp tác xã Rau sạch"
    assert wrap_lines("Tổng Công ty Viễn thông MobiFone", 12, 2) == ["Tổng Công ty", "Viễn thông…"]
    assert wrap_lines("Supercalifragilistic", 8, 2) == ["Superca…"]


def test_plan_queries_do_not_grow_from_20_to_200_booths(db, client):
    counts = {}
    for size in (20, 200):
        event = make_event(f"hall-{size}", f"Hall {size}")
        exhibition_settings_update(event=event, booking_open=True)
        plan_save(
            event=event,
            hall_width_m=D(40),
            hall_depth_m=D(160),
            booths={},
            shapes=[stage(), {**stage(), "kind": "entrance", **place(0, 150, 4, 1)}],
        )
        Booth.objects.bulk_create(  # 20 rows of 10 stands of 3 × 3 m, 0.2 m apart
            Booth(
                event=event,
                code=f"A{i + 1:03d}",
                price_vnd=12_000_000,
                x_m=1 + D("3.2") * (i % 10),
                y_m=5 + D("7.2") * (i // 10),
            )
            for i in range(size)
        )
        client.get(f"/exhibition/hall-{size}/")  # warm the site's cached fragments
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/exhibition/hall-{size}/")
        assert response.content.decode().count('class="fp-booth ') == size
        counts[size] = len(queries)
    assert counts[20] == counts[200] == 5


def test_admin_cannot_create_a_booth_on_top_of_another(admin_client, event, booths):
    from tests.exhibitors.test_admin import booth_form

    new = Booth(event=event, code="B01", price_vnd=20_000_000, x_m=D(2), y_m=D(2))
    response = admin_client.post("/admin/exhibition/booths/new/", booth_form(new))
    assert response.status_code == 200
    assert "Gian hàng A01 và Gian hàng B01 chồng lên nhau." in response.content.decode()
    assert not Booth.objects.filter(code="B01").exists()
    new.x_m = D(20)
    response = admin_client.post("/admin/exhibition/booths/new/", booth_form(new))
    assert response.status_code == 302 and Booth.objects.filter(code="B01").exists()


def test_booth_markup_escapes_what_people_typed(client, event, booths):
    exhibitor = make_exhibitor('Công ty "A&B" <script>x</script>')
    booking = booth_hold(event=event, booth=booths[0], exhibitor=exhibitor)
    booking_approve(booking=booking_request(booking=booking, **INVOICE), by=None)
    booth_update(booth=booths[0], zone='Khu "A" <b>')
    html = client.get(PLAN).content.decode()
    assert "<script>x" not in html and "<b>" not in html
    assert 'data-exhibitor="Công ty &quot;A&amp;B&quot; &lt;script&gt;x&lt;/script&gt;"' in html
    assert 'data-zone="Khu &quot;A&quot; &lt;b&gt;"' in html
    assert "<td>Khu &quot;A&quot; &lt;b&gt;</td>" in html
