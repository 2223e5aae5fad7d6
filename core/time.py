"""The forum's time zone. Every local time the product shows, prints or sends is in it."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import npgettext, pgettext

#: Asia/Ho_Chi_Minh (settings.TIME_ZONE): Vietnam has no daylight saving time, but a fixed +7
#: offset would still name no zone in calendars (.ics TZID) and exports.
HCM = ZoneInfo(settings.TIME_ZONE)


def _duration_parts(seconds: int) -> list[tuple[str, int]]:
    """The two largest units of a duration ≥ 1 minute: days and hours, hours and minutes, or
    minutes (a zero second unit is dropped). Seconds are cut, never rounded up."""
    minutes = seconds // 60
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        parts = [("day", days), ("hour", hours)]
    elif hours:
        parts = [("hour", hours), ("minute", minutes)]
    else:
        parts = [("minute", minutes)]
    return [(unit, n) for unit, n in parts if n]


#: Each unit's words, as many as ``n`` ("%(n)s" stays for the number).
_UNITS = {
    "day": lambda n: npgettext("time left", "%(n)s day", "%(n)s days", n),
    "hour": lambda n: npgettext("time left", "%(n)s hour", "%(n)s hours", n),
    "minute": lambda n: npgettext("time left", "%(n)s minute", "%(n)s minutes", n),
}


def time_left(deadline: dt.datetime, now: dt.datetime | None = None) -> str:
    """What remains until ``deadline``, in the active language: "còn 22 phút", "còn 1 giờ 5
    phút", "còn 2 ngày 3 giờ"; "còn dưới 1 phút" in its last minute; "đã hết giờ" after it.
    static/js/countdown.js writes the same with ``time_left_formats``."""
    now = now or timezone.now()
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return str(pgettext("time left", "time is up"))
    if seconds < 60:
        return str(pgettext("time left", "less than a minute left"))
    text = " ".join(_UNITS[unit](n) % {"n": n} for unit, n in _duration_parts(seconds))
    return pgettext("time left", "%(time)s left") % {"time": text}


def time_left_formats() -> dict[str, str]:
    """The words of ``time_left`` for static/js/countdown.js, in the active language: "{n}"
    where the number goes, "{time}" where the units go; each unit as one and as many."""
    formats = {
        f"{unit}-{form}": words(count) % {"n": "{n}"}
        for unit, words in _UNITS.items()
        for form, count in (("one", 1), ("other", 2))
    }
    formats["left"] = pgettext("time left", "%(time)s left") % {"time": "{time}"}
    formats["soon"] = str(pgettext("time left", "less than a minute left"))
    formats["over"] = str(pgettext("time left", "time is up"))
    return formats
