"""Factories and a ready-made door scene for the check-in tests (plain functions, no fixtures)."""

import datetime as dt
from types import SimpleNamespace

import factory
from django.utils import timezone

from core.time import HCM
from events.checkin.services import device_create
from events.enums import RegistrationStatus
from events.models import AttendeeCategory, CheckInList, Event, Registration


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"forum-{n}")
    name = factory.Sequence(lambda n: f"Diễn đàn {n}")
    starts_at = dt.datetime(2023, 12, 27, 8, 0, tzinfo=HCM)
    ends_at = dt.datetime(2023, 12, 27, 17, 0, tzinfo=HCM)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendeeCategory

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Hạng {n}")
    slug = factory.Sequence(lambda n: f"hang-{n}")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    category = factory.SubFactory(CategoryFactory)
    event = factory.SelfAttribute("category.event")
    full_name = factory.Sequence(lambda n: f"Khách {n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.com")
    organization = "Sở Thông tin và Truyền thông"
    status = RegistrationStatus.CONFIRMED


class CheckInListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInList
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Danh sách {n}")

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


def pair_device(event, name: str, **options):
    """``device_create`` for a scene set at an event of 2023: the device works until tomorrow
    (by default it would have expired a day after that event)."""
    options.setdefault("expires_at", timezone.now() + dt.timedelta(days=1))
    return device_create(event=event, name=name, **options)


def door_scene() -> SimpleNamespace:
    """An event with three categories, a hall (once per badge), a lunch list (delegates only)
    and a re-entry exhibition list, a paired device; guests in every state; another event with
    its own device and guest."""
    event = EventFactory(slug="hai-phong-2023", name="Diễn đàn Chuyển đổi số Hải Phòng 2023")
    delegate = CategoryFactory(event=event, name="Đại biểu", slug="dai-bieu")
    press = CategoryFactory(event=event, name="Báo chí", slug="bao-chi", badge_colour="#b91c1c")
    vip = CategoryFactory(event=event, name="Khách mời", slug="khach-moi")
    hall = CheckInListFactory(
        event=event, name="Hội trường chính", gates="Cổng 1, Cổng 2", sort_order=1
    )
    expo = CheckInListFactory(event=event, name="Khu triển lãm", allow_reentry=True, sort_order=2)
    lunch = CheckInListFactory(
        event=event, name="Ăn trưa", categories=[delegate, vip], sort_order=3
    )
    # The door's phone may register walk-ins (the organizer ticked it); the other event's not.
    device, token = pair_device(event, "Điện thoại cổng 1", may_register_walkins=True)
    khoa = RegistrationFactory(
        category=delegate,
        full_name="Nguyễn Văn Khoa",
        email="khoa.nguyen@example.com",
        organization="Sở Thông tin và Truyền thông Hải Phòng",
        phone="+84912345678",
    )
    do = RegistrationFactory(category=press, full_name="Đỗ Thị Hà", organization="Báo Hải Phòng")
    cancelled = RegistrationFactory(
        category=delegate, full_name="Trần Văn Hủy", status=RegistrationStatus.CANCELLED
    )
    pending = RegistrationFactory(
        category=delegate, full_name="Lê Chờ Duyệt", status=RegistrationStatus.PENDING_APPROVAL
    )
    other_event = EventFactory(slug="other-forum", name="Hội thảo khác")
    other_category = CategoryFactory(event=other_event, name="Khách", slug="khach")
    other_list = CheckInListFactory(event=other_event, name="Hội trường B")
    other_device, other_token = pair_device(other_event, "Máy sự kiện khác")
    stranger = RegistrationFactory(category=other_category, full_name="Phạm Sự Kiện Khác")
    return SimpleNamespace(**locals())
