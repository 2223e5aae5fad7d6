"""The demo forum is alive on any day: `load_demo` dates it to the next 27 December (or
`--date`), moving every date of the seed by the same whole days and keeping Hanoi's times of
day; registration is open, the scanner's first list admits now, no arrival lies in the future."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.demo import SESSIONS
from cms.models import NewsPage, SessionPage
from events.demo import DEMO_EVENT_SLUG, SEED_DAY, next_forum_day
from events.models import CheckIn, CheckInList, Event
from tests.conftest import ensure_wagtail_tree

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (dt.datetime(2026, 12, 7, 10, 0, tzinfo=HCM), dt.date(2026, 12, 27)),
        (dt.datetime(2026, 1, 1, 0, 0, tzinfo=HCM), dt.date(2026, 12, 27)),
        (dt.datetime(2026, 12, 27, 0, 0, tzinfo=HCM), dt.date(2026, 12, 27)),
        (dt.datetime(2026, 12, 27, 16, 59, tzinfo=HCM), dt.date(2026, 12, 27)),
        # The forum of the day is over: the next one is a year ahead.
        (dt.datetime(2026, 12, 27, 17, 0, tzinfo=HCM), dt.date(2027, 12, 27)),
        (dt.datetime(2026, 12, 28, 9, 0, tzinfo=HCM), dt.date(2027, 12, 27)),
        # 20:00 UTC on the 26th is already the 27th in Hanoi.
        (dt.datetime(2026, 12, 26, 20, 0, tzinfo=dt.UTC), dt.date(2026, 12, 27)),
    ],
)
def test_next_forum_day_is_the_next_27_december_in_hanoi(now, day):
    assert next_forum_day(now) == day


def test_a_date_that_is_not_one_is_refused_before_anything_is_written(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_demo", "--date", "27-12-2023", stdout=io.StringIO())
    assert not Event.objects.exists()


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, HCM)


def _assert_forum_on(day: dt.date) -> Event:
    """The event, its sessions (both languages) and its news are on ``day`` at the seed's
    times of day."""
    event = Event.objects.get(slug=DEMO_EVENT_SLUG)
    assert (_local(event.starts_at), _local(event.ends_at)) == (
        dt.datetime.combine(day, dt.time(8, 0), tzinfo=HCM),
        dt.datetime.combine(day, dt.time(17, 0), tzinfo=HCM),
    )
    seed_times = sorted((spec["start"], spec["end"]) for spec in SESSIONS.values())
    for language in ("vi", "en"):
        sessions = SessionPage.objects.live().filter(locale__language_code=language)
        assert sessions.count() == len(SESSIONS)
        assert {_local(s.starts_at).date() for s in sessions} == {day}
        assert {_local(s.ends_at).date() for s in sessions} == {day}
        times = sorted((_local(s.starts_at).time(), _local(s.ends_at).time()) for s in sessions)
        assert times == seed_times
        # The live revision (what an editor opens) agrees with the page's row.
        for session in sessions:
            assert session.get_latest_revision_as_object().starts_at == session.starts_at
    assert set(NewsPage.objects.values_list("date", flat=True)) == {day}
    return event


def test_load_demo_dates_the_forum_to_the_next_27_december_then_to_any_date(db, client):
    ensure_wagtail_tree()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    day = next_forum_day()
    assert f"năm 2023, 27-12-{day.year}\n" in out.getvalue()
    event = _assert_forum_on(day)
    now = timezone.now()

    # A newcomer can register today: /register/ leads to the demo forum's open form.
    assert event.registration_is_open()
    assert event.registration_opens_at <= now
    response = client.get("/register/")
    assert response.status_code == 302
    assert response["Location"] == f"/register/{DEMO_EVENT_SLUG}/"
    assert client.get(response["Location"]).status_code == 200

    # The scanner's first list admits now; lunch opens on the forum's day.
    hall, expo, lunch = CheckInList.objects.filter(event=event).order_by("sort_order")
    assert hall.name == "Hội trường chính"
    assert hall.is_open(now)
    assert (_local(lunch.opens_at), _local(lunch.closes_at)) == (
        dt.datetime.combine(day, dt.time(11, 30), tzinfo=HCM),
        dt.datetime.combine(day, dt.time(13, 30), tzinfo=HCM),
    )
    assert not CheckIn.objects.filter(created_at__gt=now).exists()

    # --date moves the whole forum: the historical day, its lunch window with it.
    call_command("load_demo", "--date", "2023-12-27", stdout=io.StringIO())
    event = _assert_forum_on(SEED_DAY)
    lunch.refresh_from_db()
    assert _local(lunch.opens_at) == dt.datetime(2023, 12, 27, 11, 30, tzinfo=HCM)
    assert Event.objects.count() == 1
    assert SessionPage.objects.filter(locale__language_code="vi").count() == len(SESSIONS)
    assert event.registration_is_open()  # "--registration open" is the default on any date
