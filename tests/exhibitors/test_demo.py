from django.core.management import call_command

from events.enums import RegistrationStatus
from exhibitors import selectors
from exhibitors.demo import load_exhibition
from exhibitors.enums import BoothState
from exhibitors.models import BoothBooking, BoothStaff, Exhibitor


def test_demo_hall_has_20_booths_booked_by_the_seed_companies(demo_forum):
    call_command("load_demo", verbosity=0)
    event = demo_forum.event
    plan = selectors.floor_plan_context(event=event)
    assert [item.booth.code for item in plan["booths"]] == [f"A{n:02d}" for n in range(1, 21)]
    states = {item.booth.code: item.state for item in plan["booths"]}
    assert {code for code, state in states.items() if state == BoothState.BOOKED} == {
        "A01",
        "A05",
        "A06",
        "A10",
    }
    assert (states["A12"], states["A15"], states["A20"]) == (
        BoothState.HELD,
        BoothState.REQUESTED,
        BoothState.BLOCKED,
    )
    assert list(states.values()).count(BoothState.AVAILABLE) == 13
    directory = selectors.directory_context(event=event)
    names = [entry.exhibitor.name for entry in directory["entries"]]
    for company in ["Viettel", "BKAV", "FPT", "MobiFone"]:
        assert sum(company in name for name in names) == 1
    assert all(entry.exhibitor.logo for entry in directory["entries"])
    staff = BoothStaff.objects.filter(booking__exhibitor__tax_code="0100109106")
    assert [s.registration.status for s in staff] == [RegistrationStatus.CONFIRMED] * 2


def test_demo_is_idempotent(demo_forum):
    load_exhibition(demo_forum.event)
    counts = (Exhibitor.objects.count(), BoothBooking.objects.count(), BoothStaff.objects.count())
    load_exhibition(demo_forum.event)
    assert (
        (
            Exhibitor.objects.count(),
            BoothBooking.objects.count(),
            BoothStaff.objects.count(),
        )
        == counts
        == (6, 6, 2)
    )
