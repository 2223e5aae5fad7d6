"""Demo data of check-in: the forum's lists, a scanning device and a morning of arrivals."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from events.checkin.services import (
    Scanner,
    checkin_list_upsert,
    checkin_scan,
    device_create,
    device_pairing_url,
)
from events.enums import RegistrationStatus
from events.models import CheckIn, CheckInList, Device, Event

DEVICE_NAME = "Máy quét cổng 1"
#: Categories with a seat at lunch, when the registration demo has them.
LUNCH_CATEGORIES = ("Đại biểu", "Khách mời VIP", "Khách mời", "Diễn giả")


def _on_forum_day(event: Event, hour: int, minute: int = 0) -> dt.datetime:
    hanoi = timezone.get_default_timezone()
    day = timezone.localtime(event.starts_at, hanoi).date()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hanoi)


@transaction.atomic
def load_checkin(event: Event) -> dict:
    """The lists (Hội trường chính and Khu triển lãm, always open, so that the demo scanner
    admits a badge on any day; Ăn trưa, open 11:30 to 13:30 on the forum's day), a scanning
    device and, if the demo has confirmed registrations and nobody has been checked in yet, the
    arrivals of the morning of the forum (7:30 to 9:00) that are not in the future. Idempotent
    (a forum moved to another day moves the lunch window with it). Returns what it made, with
    the device's pairing link when the device was created by this call (its key is stored
    hashed)."""
    hall, _created = checkin_list_upsert(
        event=event,
        name="Hội trường chính",
        gates="Cổng 1, Cổng 2",
        sort_order=1,
        counts_for_certificate=True,
    )
    expo, _created = checkin_list_upsert(
        event=event, name="Khu triển lãm", allow_reentry=True, gates="Cổng B", sort_order=2
    )
    lunch_categories = list(event.categories.filter(name__in=LUNCH_CATEGORIES))
    lunch_opens, lunch_closes = _on_forum_day(event, 11, 30), _on_forum_day(event, 13, 30)
    lunch, _created = checkin_list_upsert(
        event=event,
        name="Ăn trưa",
        categories=lunch_categories,
        opens_at=lunch_opens,
        closes_at=lunch_closes,
        sort_order=3,
    )
    if (lunch.opens_at, lunch.closes_at) != (lunch_opens, lunch_closes):
        lunch.opens_at, lunch.closes_at = lunch_opens, lunch_closes
        lunch.save(update_fields=["opens_at", "closes_at"])
    device = Device.objects.filter(event=event, name=DEVICE_NAME).first()
    link = ""
    if device is None:
        # The demo's forum was in 2023: its phone works for a year from now, walk-ins included.
        device, token = device_create(
            event=event,
            name=DEVICE_NAME,
            may_register_walkins=True,
            expires_at=timezone.now() + dt.timedelta(days=365),
        )
        link = device_pairing_url(token)
    arrivals = 0
    if not CheckIn.objects.filter(checkin_list__event=event).exists():
        arrivals = _morning(event, hall, expo, device)
    return {
        "lists": [hall, expo, lunch],
        "device": device,
        "pairing_link": link,
        "arrivals": arrivals,
    }


def _morning(event: Event, hall: CheckInList, expo: CheckInList, device: Device) -> int:
    """Check in about 70% of the confirmed guests between 7:30 and 9:00 on the forum's day,
    those of them whose moment has come (none for a forum still ahead)."""
    scanner = Scanner(device_id=device.pk, event_id=event.pk)
    rng = random.Random(2023)
    # The forum's clock is Hanoi's (settings.TIME_ZONE): a start read back from the database is
    # in UTC, and 7:30 in its zone would be 14:30 at the door.
    opening = _on_forum_day(event, 7, 30)
    now = timezone.now()
    guests = list(event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("pk"))
    count = 0
    for guest in guests:
        if rng.random() > 0.7:
            continue
        at = opening + dt.timedelta(minutes=rng.triangular(0, 90, 25))
        if at > now:
            continue
        gate = rng.choice(["Cổng 1", "Cổng 2"])
        answer = checkin_scan(
            scanner=scanner, list_id=hall.pk, registration_id=guest.pk, gate=gate, now=at
        )
        count += answer["status"] == "ok"
        if rng.random() < 0.4:
            later = at + dt.timedelta(minutes=rng.randint(60, 150))
            if later > now:
                continue
            checkin_scan(
                scanner=scanner, list_id=expo.pk, registration_id=guest.pk, gate="Cổng B", now=later
            )
    return count
