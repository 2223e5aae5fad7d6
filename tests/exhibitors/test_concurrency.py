"""Races on PostgreSQL: 50 exhibitors ask for one booth at the same instant over HTTP, and one
exhibitor asks for many booths at once. Controls show the race without the lock (and without
the constraint), so the tests prove that the lock and the constraint are what prevent it."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection, connections
from django.test import Client

from exhibitors.enums import LIVE_BOOKING_STATUSES
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import BoothBooking
from exhibitors.services import booth_hold, exhibition_settings_update
from tests.factories.exhibitors import make_booths, make_event, make_exhibitor, user_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CSRF = "a" * 32  # an unmasked CSRF secret, sent as both cookie and header


def open_event(**settings):
    event = make_event()
    exhibition_settings_update(
        event=event,
        booking_open=True,
        hold_minutes=30,
        **{"max_booths_per_exhibitor": 2, **settings},
    )
    return event


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def run_together(count: int, fn):
    """Run ``fn(i)`` in ``count`` threads released at the same instant; return the results."""
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait(timeout=30)
            return fn(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_50_concurrent_http_requests_for_one_booth_give_exactly_one_hold(live_server):
    event = open_event()
    booth = make_booths(event, count=1)[0]
    sessions = [session_cookie(user_of(make_exhibitor())) for _ in range(50)]
    url = f"{live_server.url}/exhibition/{event.slug}/booths/{booth.code}/hold/"

    def hold(i):
        response = requests.post(
            url,
            headers={"Accept": "application/json", "X-CSRFToken": CSRF},
            cookies={"sessionid": sessions[i], "csrftoken": CSRF},
            timeout=60,
        )
        return response.status_code, response.json()

    results = run_together(50, hold)
    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * 49
    refusals = [body for status, body in results if status == 409]
    assert {body["reason"] for body in refusals} == {"booth_unavailable"}
    assert {body["message"] for body in refusals} == {
        "Gian hàng này không còn trống. Vui lòng chọn gian hàng khác."
    }
    assert BoothBooking.objects.filter(booth=booth).count() == 1


def hold_many_times(event, booth, exhibitors, *, lock: bool) -> list[str]:
    def hold(i):
        try:
            booth_hold(event=event, booth=booth, exhibitor=exhibitors[i], lock=lock)
        except ExhibitorsError as error:
            return error.code
        return "ok"

    return run_together(len(exhibitors), hold)


@contextlib.contextmanager
def without_one_live_booking_constraint():
    """Drop the partial unique index for the control, and always put it back."""
    constraint = next(
        c for c in BoothBooking._meta.constraints if c.name == "one_live_booking_per_booth"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(BoothBooking, constraint)
    try:
        yield
    finally:
        BoothBooking.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(BoothBooking, constraint)


def test_control_without_lock_or_constraint_the_booth_is_given_twice():
    event = open_event()
    booth = make_booths(event, count=1)[0]
    exhibitors = [make_exhibitor() for _ in range(20)]
    with without_one_live_booking_constraint():
        outcomes = []
        for _attempt in range(3):  # a race: show it at least once
            BoothBooking.objects.all().delete()
            outcomes = hold_many_times(event, booth, exhibitors, lock=False)
            if outcomes.count("ok") > 1:
                break
        assert outcomes.count("ok") > 1
        # the row lock alone (constraint still dropped) gives one hold
        BoothBooking.objects.all().delete()
        outcomes = hold_many_times(event, booth, exhibitors, lock=True)
        assert outcomes.count("ok") == 1


def test_the_constraint_alone_still_gives_one_hold_and_clear_answers():
    event = open_event()
    booth = make_booths(event, count=1)[0]
    exhibitors = [make_exhibitor() for _ in range(20)]
    outcomes = hold_many_times(event, booth, exhibitors, lock=False)
    assert sorted(outcomes) == ["booth_unavailable"] * 19 + ["ok"]
    assert BoothBooking.objects.filter(status__in=LIVE_BOOKING_STATUSES).count() == 1


def hold_booths_at_once(event, booths, exhibitor, *, lock: bool) -> list[str]:
    def hold(i):
        try:
            booth_hold(event=event, booth=booths[i], exhibitor=exhibitor, lock=lock)
        except ExhibitorsError as error:
            return error.code
        return "ok"

    return run_together(len(booths), hold)


def test_limit_per_exhibitor_holds_under_concurrency():
    event = open_event(max_booths_per_exhibitor=2)
    booths = make_booths(event, count=16)
    exhibitor = make_exhibitor()
    outcomes = hold_booths_at_once(event, booths, exhibitor, lock=True)
    assert sorted(outcomes) == ["limit_reached"] * 14 + ["ok"] * 2
    assert BoothBooking.objects.filter(exhibitor=exhibitor).count() == 2


def test_control_without_the_exhibitor_lock_the_limit_is_exceeded():
    event = open_event(max_booths_per_exhibitor=2)
    booths = make_booths(event, count=16)
    exhibitor = make_exhibitor()
    held = 0
    for _attempt in range(3):  # a race: show it at least once
        BoothBooking.objects.all().delete()
        held = hold_booths_at_once(event, booths, exhibitor, lock=False).count("ok")
        if held > 2:
            break
    assert held > 2


def test_two_owners_removing_each_other_at_once_leave_one_owner():
    """The company's row lock serialises the two removals: the second, checked after the
    first, is no owner any more."""
    from exhibitors.enums import MemberRole
    from exhibitors.exceptions import NotAllowed
    from exhibitors.models import ExhibitorMember
    from exhibitors.services import exhibitor_remove_member
    from tests.factories.exhibitors import make_user

    for _round in range(5):
        company = make_exhibitor()
        first = company.members.get()
        second = ExhibitorMember.objects.create(
            exhibitor=company, user=make_user(), role=MemberRole.OWNER
        )
        pairs = [(first, second), (second, first)]

        def remove(i, pairs=pairs):
            by, member = pairs[i]
            try:
                exhibitor_remove_member(member=member, by=by.user)
            except NotAllowed:
                return "refused"
            return "removed"

        assert sorted(run_together(2, remove)) == ["refused", "removed"]
        assert company.members.filter(role=MemberRole.OWNER).count() == 1
