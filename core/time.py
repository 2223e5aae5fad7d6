"""The forum's time zone. Every local time the product shows, prints or sends is in it."""

from zoneinfo import ZoneInfo

from django.conf import settings

#: Asia/Ho_Chi_Minh (settings.TIME_ZONE): Vietnam has no daylight saving time, but a fixed +7
#: offset would still name no zone in calendars (.ics TZID) and exports.
HCM = ZoneInfo(settings.TIME_ZONE)
