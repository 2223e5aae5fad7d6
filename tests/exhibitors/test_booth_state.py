"""One mapping from a booking's status to the state of its booth, shown alike by the floor plan,
its JSON, the booth page and the admin's booth list."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from exhibitors.enums import BoothState, booth_state_for
from exhibitors.services import (
    booking_approve,
    booking_request,
    booth_block,
    booth_hold,
)
from tests.exhibitors.test_bookings import INVOICE
from tests.factories.exhibitors import make_booths, make_exhibitor

EXPECTED = {
    "A01": BoothState.AVAILABLE,
    "A02": BoothState.HELD,
    "A03": BoothState.AVAILABLE,  # its hold has expired
    "A04": BoothState.REQUESTED,
    "A05": BoothState.BOOKED,
    "A06": BoothState.BLOCKED,
}


@pytest.fixture
def hall(event, organizer):
    """Six booths, one in each state (and one whose hold has expired)."""
    booths = make_booths(event, count=6)
    booth_hold(event=event, booth=booths[1], exhibitor=make_exhibitor())
    booth_hold(
        event=event,
        booth=booths[2],
        exhibitor=make_exhibitor(),
        now=timezone.now() - dt.timedelta(hours=2),
    )
    booking_request(
        booking=booth_hold(event=event, booth=booths[3], exhibitor=make_exhibitor()), **INVOICE
    )
    booking_approve(
        booking=booking_request(
            booking=booth_hold(event=event, booth=booths[4], exhibitor=make_exhibitor()),
            **INVOICE,
        ),
        by=organizer,
    )
    booth_block(booth=booths[5], by=organizer, reason="Nhà tài trợ")
    return booths


@pytest.mark.parametrize(
    ("blocked", "live_status", "state"),
    [
        (False, None, BoothState.AVAILABLE),
        (False, "held", BoothState.HELD),
        (False, "requested", BoothState.REQUESTED),
        (False, "approved", BoothState.BOOKED),
        (False, "cancelled", BoothState.AVAILABLE),
        (True, None, BoothState.BLOCKED),
    ],
)
def test_booth_state_for_maps_each_status(blocked, live_status, state):
    assert booth_state_for(blocked=blocked, live_status=live_status) == state


def cells_by_code(html: str) -> dict[str, list[str]]:
    """The text of each cell of the admin list's rows, by booth code (the first cell)."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        text = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]
        if text and re.match(r"A0\d", text[0]):
            rows[text[0][:3]] = text
    return rows


def test_plan_json_booth_page_and_admin_list_show_the_same_states(client, hall, organizer):
    data = client.get("/exhibition/expo-2024/booths.json").json()
    assert {b["code"]: b["state"] for b in data["booths"]} == EXPECTED

    with translation.override("vi"):
        labels = {code: str(state.label) for code, state in EXPECTED.items()}
    for code, label in labels.items():
        html = client.get(f"/exhibition/expo-2024/booths/{code}/").content.decode()
        assert f"</span> {label}</dd>" in html, code

    client.force_login(organizer)
    rows = cells_by_code(client.get("/admin/exhibition/booths/").content.decode())
    assert {code: cells[5] for code, cells in rows.items()} == labels
