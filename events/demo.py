"""Demo data of the events app, from the seed article (Hai Phong, 27-12-2023).

The demo keeps the seed's content but not necessarily its day: ``load_event(day=…)`` dates the
forum to any day (``load_demo`` takes the next 27 December), and every other date of the demo
(agenda, news, registration, arrivals) is the seed's moved by the same number of days, read back
from the event with ``demo_offset``. Hanoi has no daylight saving time: whole days keep every
local time of day.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from core.text import fold
from core.time import HCM
from events.enums import QuestionKind, RegistrationStatus
from events.models import AttendeeCategory, Event, Invitation, Registration, RegistrationQuestion
from events.services import (
    event_upsert,
    registration_approve,
    registration_cancel,
    registration_create,
)
from events.services.invitations import invitation_import_apply
from mail.services import emails_skipped

DEMO_EVENT_SLUG = "dien-dan-chuyen-doi-so-hai-phong-2023"
#: The day the forum of the seed article took place (``load_demo --date 2023-12-27``).
SEED_DAY = dt.date(2023, 12, 27)
SEED_STARTS_AT = dt.datetime(2023, 12, 27, 8, 0, tzinfo=HCM)
SEED_ENDS_AT = dt.datetime(2023, 12, 27, 17, 0, tzinfo=HCM)
SEED_REGISTRATION_OPENS_AT = dt.datetime(2023, 11, 15, 8, 0, tzinfo=HCM)


def next_forum_day(now: dt.datetime | None = None) -> dt.date:
    """``load_demo``'s default day: the next 27 December in Hanoi; today if it is the 27th and
    the forum (8:00 to 17:00) has not ended yet, so that registration is open."""
    local = timezone.localtime(now or timezone.now(), HCM)
    this_year = dt.date(local.year, 12, 27)
    if local.date() < this_year or (
        local.date() == this_year and local.time() < SEED_ENDS_AT.time()
    ):
        return this_year
    return dt.date(local.year + 1, 12, 27)


def demo_offset(event: Event) -> dt.timedelta:
    """How far the demo ``event`` was moved from the seed's day (whole days)."""
    return timezone.localtime(event.starts_at, HCM).date() - SEED_DAY


def load_event(*, day: dt.date) -> Event:
    """The forum of the seed article, held on ``day`` (8:00 to 17:00 in Hanoi). Idempotent; run
    again with another day, it moves the forum there."""
    offset = day - SEED_DAY
    starts_at, ends_at = SEED_STARTS_AT + offset, SEED_ENDS_AT + offset
    event, created = event_upsert(
        slug=DEMO_EVENT_SLUG,
        name="Diễn đàn Chuyển đổi số TP Hải Phòng năm 2023",
        theme="Kiến tạo dữ liệu số - Nền tảng phát triển kinh tế - xã hội",
        starts_at=starts_at,
        ends_at=ends_at,
        venue="Trung tâm Hội nghị thành phố Hải Phòng",
        venue_address="Số 18 Hoàng Diệu, Hồng Bàng",
        venue_locality="Hải Phòng",
        venue_region="Thành phố Hải Phòng",
        venue_postal_code="04000",
        venue_country="VN",
        map_url="https://www.openstreetmap.org/search?query=18%20Ho%C3%A0ng%20Di%E1%BB%87u%20H%E1%BA%A3i%20Ph%C3%B2ng",
        organizer=(
            "UBND TP Hải Phòng và Hiệp hội Phần mềm và Dịch vụ Công nghệ Thông tin Việt Nam"
            " (VINASA)"
        ),
        contact_email="chuyendoiso@haiphong.example",
        capacity=600,
        # Its guests are fictitious: no reminder the day before (the organizer may turn it on).
        reminder_enabled=False,
        **EVENT_EN,
    )
    if not created and (event.starts_at, event.ends_at) != (starts_at, ends_at):
        event.starts_at, event.ends_at = starts_at, ends_at
        event.save(update_fields=["starts_at", "ends_at"])
    _fill_blank(event, EVENT_EN)
    return event


#: The English values of the event, from the seed article's English summary (cms.demo).
EVENT_EN = {
    "name_en": "Hai Phong Digital Transformation Forum 2023",
    "theme_en": "Building digital data – the foundation of socio-economic development",
    "venue_en": "Hai Phong City Convention Centre",
    "venue_address_en": "18 Hoàng Diệu, Hồng Bàng, Hai Phong",
    "organizer_en": (
        "Hai Phong People's Committee and the Vietnam Software and IT Services Association (VINASA)"
    ),
}


def _fill_blank(instance, values: dict) -> None:
    """Set the English values that an older demo database lacks (never overwrites one)."""
    blank = {name: value for name, value in values.items() if not getattr(instance, name)}
    if blank:
        for name, value in blank.items():
            setattr(instance, name, value)
        instance.save(update_fields=list(blank))


# --- Registration demo ---------------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Hoàng", "Bảo"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Kim"]
GIVEN_M = ["Khoa", "Bảo", "Cường", "Nam", "Dũng", "Hùng", "Tuấn", "Sơn", "Hải", "Long", "Quân"]
GIVEN_F = ["Tuyết", "Hà", "Hương", "Lan", "Linh", "Trang", "Thảo", "Yến", "Mai", "Nhung", "Vy"]
ORGANIZATIONS = [
    ("Sở Thông tin và Truyền thông Hải Phòng", "Chuyên viên"),
    ("UBND quận Hồng Bàng", "Phó Chủ tịch"),
    ("UBND quận Lê Chân", "Trưởng phòng Văn hóa - Thông tin"),
    ("Viettel Hải Phòng", "Giám đốc"),
    ("VNPT Hải Phòng", "Kỹ sư"),
    ("Mobifone Hải Phòng", "Trưởng phòng Kinh doanh"),
    ("FPT Software", "Kỹ sư phần mềm"),
    ("Cảng Hải Phòng", "Phó Tổng Giám đốc"),
    ("Trường Đại học Hàng hải Việt Nam", "Giảng viên"),
    ("Trường Đại học Hải Phòng", "Trưởng khoa Công nghệ thông tin"),
    ("BIDV chi nhánh Hải Phòng", "Giám đốc chi nhánh"),
    ("Công ty CP Nhựa Thiếu niên Tiền Phong", "Trưởng ban Chuyển đổi số"),
]
MEDIA = ["Báo Hải Phòng", "Đài Phát thanh và Truyền hình Hải Phòng", "VnExpress", "Báo Tuổi Trẻ"]
DEMO_REGISTRATION_CLOSES_AT = dt.datetime(2099, 12, 31, 23, 59, tzinfo=HCM)


def demo_people(count: int, *, seed: int) -> list[dict]:
    """``count`` people with Vietnamese names, the same ones every run."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    people, seen = [], set()
    while len(people) < count:
        female = rng.random() < 0.45
        name = " ".join(
            [
                rng.choice(FAMILY),
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice(GIVEN_F if female else GIVEN_M),
            ]
        )
        if name in seen:
            continue
        seen.add(name)
        organization, title = rng.choice(ORGANIZATIONS)
        people.append(
            {
                "full_name": name,
                "email": fold(name).replace(" ", ".") + f".{seed}@demo.example",
                "phone": f"09{rng.randrange(10**7, 10**8)}",
                "organization": organization,
                "title": title,
            }
        )
    return people


def _category(event: Event, slug: str, **fields) -> AttendeeCategory:
    category, _created = AttendeeCategory.objects.get_or_create(
        event=event, slug=slug, defaults=fields
    )
    _fill_blank(category, {"name_en": fields["name_en"]})
    return category


#: The demo forum's own registration questions (issue 16): the delegation, printed on the
#: badge, and the diet. ``(key, kind, label, label_en, choices, required, on the badge)``.
DEMO_QUESTIONS = [
    (
        "doan",
        QuestionKind.SHORT_TEXT,
        "Đơn vị / Đoàn",
        "Organisation / Delegation",
        "",
        True,
        True,
    ),
    (
        "che-do-an",
        QuestionKind.CHOICE,
        "Chế độ ăn",
        "Diet",
        "binh-thuong | Bình thường | Normal\nchay | Chay | Vegetarian\nkhac | Khác | Other",
        False,
        False,
    ),
]
#: The diets of the demo's guests, about one in six vegetarian.
DEMO_DIETS = ["binh-thuong"] * 9 + ["chay"] * 2 + ["khac"]


def load_questions(event: Event) -> list[RegistrationQuestion]:
    """The demo's questions (``DEMO_QUESTIONS``), in order. Idempotent."""
    questions = []
    for order, (key, kind, label, label_en, choices, required, on_badge) in enumerate(
        DEMO_QUESTIONS, start=1
    ):
        question, _created = RegistrationQuestion.objects.get_or_create(
            event=event,
            key=key,
            defaults={
                "kind": kind,
                "label": label,
                "label_en": label_en,
                "choices": choices,
                "required": required,
                "print_on_badge": on_badge,
                "sort_order": order,
            },
        )
        questions.append(question)
    return questions


def demo_answers(person: dict, n: int) -> dict:
    """Plausible answers of a demo guest: their organisation's delegation and a diet."""
    return {"doan": f"Đoàn {person['organization']}", "che-do-an": DEMO_DIETS[n % len(DEMO_DIETS)]}


def _new(event: Event, people: list[dict]) -> list[dict]:
    taken = set(Registration.objects.filter(event=event).values_list("email", flat=True))
    return [p for p in people if p["email"] not in taken]


@transaction.atomic
@emails_skipped()  # demo people: their emails are recorded as skipped, never sent
def load_registrations(event: Event, *, registration_open: bool = True) -> dict[str, int]:
    """Three categories (Đại biểu, Khách mời VIP by invitation, Báo chí with approval) and about
    150 registrations with Vietnamese names, made through the services. Idempotent.

    Registration opens six weeks before the forum (today, if that day is still ahead). So that the
    registration flow can be tried whatever the forum's day, the demo leaves registration open
    (``registration_closes_at`` far ahead) unless ``registration_open=False``, which closes it
    at the forum's start as in real life. The demo registrants' emails are marked "not sent
    (demo data)": nobody is emailed.
    """

    today = dt.datetime.combine(timezone.localdate(timezone=HCM), dt.time(0, 0), tzinfo=HCM)
    event.registration_opens_at = min(SEED_REGISTRATION_OPENS_AT + demo_offset(event), today)
    event.registration_closes_at = (
        DEMO_REGISTRATION_CLOSES_AT if registration_open else event.starts_at
    )
    event.save(update_fields=["registration_opens_at", "registration_closes_at"])
    delegates = _category(
        event,
        "dai-bieu",
        name="Đại biểu",
        name_en="Delegates",
        capacity=450,
        badge_colour="#0b4f8a",
        sort_order=1,
    )
    vip = _category(
        event,
        "khach-moi-vip",
        name="Khách mời VIP",
        name_en="VIP guests",
        capacity=60,
        is_public=False,
        badge_colour="#b45309",
        sort_order=2,
    )
    press = _category(
        event,
        "bao-chi",
        name="Báo chí",
        name_en="Press",
        capacity=30,
        needs_approval=True,
        badge_colour="#15803d",
        sort_order=3,
    )

    load_questions(event)
    for n, person in enumerate(_new(event, demo_people(120, seed=1))):
        registration = registration_create(
            event=event,
            category=delegates,
            skip_email_confirmation=True,
            answers=demo_answers(person, n),
            **person,
        )
        if n % 40 == 39:
            registration_cancel(registration=registration, reason="demo")
    for n, person in enumerate(_new(event, demo_people(12, seed=3))):
        person["organization"], person["title"] = MEDIA[n % len(MEDIA)], "Phóng viên"
        registration = registration_create(
            event=event,
            category=press,
            skip_email_confirmation=True,
            answers=demo_answers(person, n),
            **person,
        )
        if n % 3 != 2:
            registration_approve(registration=registration)
    vip_people = demo_people(15, seed=2)
    if _new(event, vip_people):
        rows = ["full_name,email,phone,organization,title,category,Đơn vị / Đoàn,Chế độ ăn"] + [
            f"{p['full_name']},{p['email']},{p['phone']},{p['organization']},"
            f"{p['title']},Khách mời VIP,Đoàn {p['organization']},"
            f"{'Chay' if n % 5 == 4 else 'Bình thường'}"
            for n, p in enumerate(vip_people)
        ]
        invitation_import_apply(
            event=event, content="\n".join(rows).encode(), file_name="khach-moi-vip.csv"
        )
    unused = Invitation.objects.filter(event=event, category=vip, registration=None).count()
    for _ in range(max(0, 5 - unused)):
        Invitation.objects.create(event=event, category=vip, note="Demo: unused code")
    if registration_open:
        for n, person in enumerate(_new(event, demo_people(3, seed=4))):
            answers = demo_answers(person, n)
            # pending_email
            registration_create(event=event, category=delegates, answers=answers, **person)
    return {
        status: Registration.objects.filter(event=event, status=status).count()
        for status in RegistrationStatus.values
    }
