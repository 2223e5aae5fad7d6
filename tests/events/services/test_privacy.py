"""Personal data (Decree 13/2023/NĐ-CP): the basis and consent of each registration, the guest's
consent on the manage page, their copy of their data, erasure, and the retention purge."""

import datetime as dt
import importlib
import json

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from core.activity import Actor
from core.models import ActivityEntry
from events.enums import CONSENT_VERSION, DataBasis, RegistrationStatus
from events.exceptions import InvalidTransition
from events.models import CheckIn, Event, Invitation, InvitationImport, Registration, ScanLog
from events.services import (
    registration_confirm_email,
    registration_confirmation_key,
    registration_create,
    registration_update,
)
from events.services.invitations import invitation_import_apply
from events.services.privacy import (
    event_purge_personal_data,
    events_due_for_purge,
    personal_data_purge_due,
    registration_consent,
    registration_erase,
    registration_personal_data,
)
from mail.models import Email
from tests.factories.checkin import CheckInListFactory, pair_device
from tests.factories.events import make_category, make_event, person

pytestmark = pytest.mark.django_db

S = RegistrationStatus


def actions(obj) -> list[str]:
    content_type = ContentType.objects.get_for_model(obj)
    entries = ActivityEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
    return list(entries.order_by("pk").values_list("action", flat=True))


def past_event(*, days_ago: int, **fields) -> Event:
    """An event that ended ``days_ago`` days ago (registration long closed)."""
    ends = timezone.now() - dt.timedelta(days=days_ago)
    return make_event(
        starts_at=ends - dt.timedelta(hours=9),
        ends_at=ends,
        opens=ends - dt.timedelta(days=60),
        closes=ends - dt.timedelta(days=1),
        **fields,
    )


# --- Basis and consent --------------------------------------------------------------------------


def test_only_the_guest_who_ticked_the_box_has_a_consent_record():
    event = make_event()
    public = make_category(event)
    vip = make_category(event, name="Khách mời VIP", is_public=False)
    own = registration_create(event=event, category=public, **person(1))
    added = registration_create(
        event=event, category=public, skip_email_confirmation=True, **person(2)
    )
    invitation_import_apply(
        event=event,
        content="full_name,email,category\nLê Văn Khách,khach@example.com,Khách mời VIP\n".encode(),
        file_name="khach-moi.csv",
    )
    invited = Registration.objects.get(email="khach@example.com")
    own.refresh_from_db()
    assert (own.data_basis, own.consent_version) == ("self", CONSENT_VERSION)
    assert own.consent_at == own.created_at
    assert (added.data_basis, added.consent_at, added.consent_version) == ("organizer", None, "")
    assert (invited.category, invited.data_basis, invited.consent_at) == (vip, "organizer", None)


def test_the_trusted_paths_need_no_consent_box_but_the_public_one_does():
    event = make_event()
    category = make_category(event)
    walkin = registration_create(
        event=event,
        category=category,
        consent=False,
        skip_email_confirmation=True,
        basis=DataBasis.WALKIN,
        **person(1),
    )
    assert (walkin.data_basis, walkin.consent_at, walkin.status) == ("walkin", None, S.CONFIRMED)


def test_a_guest_registered_by_someone_else_gives_consent_once_and_it_is_logged():
    event = make_event()
    registration = registration_create(
        event=event, category=make_category(event), skip_email_confirmation=True, **person(1)
    )
    before = timezone.now()
    registration = registration_consent(registration=registration, by=Actor.attendee())
    assert registration.consent_at >= before
    assert registration.consent_version == CONSENT_VERSION
    assert registration.data_basis == "organizer"  # how we got the data does not change
    again = registration_consent(registration=registration)
    assert again.consent_at == registration.consent_at
    assert actions(registration) == ["registration.created", "registration.consent_given"]
    entry = ActivityEntry.objects.get(action="registration.consent_given")
    assert entry.actor_kind == "attendee"
    assert entry.changes["consent_version"] == [None, CONSENT_VERSION]


def test_the_migration_infers_the_basis_of_existing_rows_and_clears_consent_never_given():
    event = make_event()
    public = make_category(event)
    staff_category = make_category(event, name="Nhân viên gian hàng", slug="exhibitor-staff")
    lists = CheckInListFactory(event=event, name="Hội trường")
    rows = {}
    for n, name in enumerate(["import", "admin", "device", "checkin", "staff", "trusted"]):
        category = staff_category if name == "staff" else public
        rows[name] = registration_create(
            event=event, category=category, skip_email_confirmation=True, **person(n)
        )
    # The public form: the attendee registers, then confirms (or not yet) their email.
    rows["self"] = registration_create(
        event=event, category=public, by=Actor.attendee(), **person(10)
    )
    key = registration_confirmation_key(registration=rows["self"])
    registration_confirm_email(key=key)
    rows["unconfirmed"] = registration_create(
        event=event, category=public, by=Actor.attendee(), **person(11)
    )
    user = apps.get_model("auth", "User").objects.create_user("organizer")
    record = InvitationImport.objects.create(event=event, file_name="khach.csv")
    Invitation.objects.create(
        event=event, category=public, registration=rows["import"], source=record
    )
    Registration.objects.filter(pk=rows["admin"].pk).update(created_by=user)
    CheckIn.objects.create(registration=rows["checkin"], checkin_list=lists, method="walkin")
    door, _token = pair_device(event, "Cổng 1")
    Registration.objects.filter(pk=rows["device"].pk).update(created_by_device=door)
    # As before this change: every row self-registered with consent.
    Registration.objects.update(data_basis="self", consent_at=timezone.now())
    migration = importlib.import_module("events.migrations.0015_personal_data")
    migration.infer_basis(apps, None)
    found = {
        name: Registration.objects.values_list("data_basis", "consent_at").get(pk=row.pk)
        for name, row in rows.items()
    }
    assert {name: basis for name, (basis, _at) in found.items()} == {
        "import": "organizer",
        "admin": "organizer",
        "device": "walkin",
        "checkin": "walkin",
        "staff": "staff_pass",
        "trusted": "organizer",
        "self": "self",
        "unconfirmed": "self",
    }
    assert [name for name, (_basis, at) in found.items() if at is not None] == [
        "self",
        "unconfirmed",
    ]


# --- The guest's copy of their data ---------------------------------------------------------------


def test_download_my_data_holds_every_record_about_the_guest():
    event = make_event(name="Diễn đàn Hải Phòng")
    category = make_category(event, name="Đại biểu")
    registration = registration_create(
        event=event,
        category=category,
        full_name="Nguyễn Thị Lan",
        email="lan@example.com",
        phone="0912 345 678",
        organization="Sở TT&TT",
        title="Chuyên viên",
        needs="Ăn chay",
        skip_email_confirmation=True,
    )
    hall = CheckInListFactory(event=event, name="Hội trường")
    CheckIn.objects.create(registration=registration, checkin_list=hall, gate="Cổng 1")
    registration_consent(registration=registration)
    registration.refresh_from_db()
    data = registration_personal_data(registration=registration)
    json.dumps(data, cls=DjangoJSONEncoder)  # JSON-ready
    assert set(data) == {
        "exported_at",
        "event",
        "registration",
        "consent",
        "checkins",
        "emails",
        "activity",
        "exhibitor_leads",  # exhibitors/privacy.py: none here
    }
    assert data["exhibitor_leads"] == []
    assert data["registration"]["full_name"] == "Nguyễn Thị Lan"
    assert data["registration"]["email"] == "lan@example.com"
    assert data["registration"]["phone"] == "+84912345678"
    assert data["registration"]["organization"] == "Sở TT&TT"
    assert data["registration"]["needs"] == "Ăn chay"
    assert data["registration"]["category"] == "Đại biểu"
    assert data["registration"]["status"] == "confirmed"
    assert data["event"]["name"] == "Diễn đàn Hải Phòng"
    assert data["consent"]["basis"] == "organizer"
    assert data["consent"]["text_version"] == CONSENT_VERSION
    assert data["consent"]["given_at"] == timezone.localtime(registration.consent_at).isoformat()
    assert [(c["list"], c["kind"], c["gate"]) for c in data["checkins"]] == [
        ("Hội trường", "entry", "Cổng 1")
    ]
    assert [(e["kind"], e["to"]) for e in data["emails"]] == [
        ("registration.confirmed", ["lan@example.com"])
    ]
    assert [a["action"] for a in data["activity"]] == [
        "registration.created",
        "registration.consent_given",
    ]
    assert actions(registration)[-1] == "registration.data_exported"


# --- Erasure ------------------------------------------------------------------------------------


def test_erasure_anonymises_at_once_frees_the_seat_and_keeps_the_counts():
    event = make_event()
    category = make_category(event, capacity=1)
    seated = registration_create(
        event=event,
        category=category,
        full_name="Phạm Văn Xóa",
        email="xoa@example.com",
        phone="0912345678",
        organization="Công ty A",
        title="Giám đốc",
        needs="Xe lăn",
        share_with_exhibitors=True,
        skip_email_confirmation=True,
    )
    waiting = registration_create(
        event=event, category=category, skip_email_confirmation=True, **person(2)
    )
    assert (seated.status, waiting.status) == (S.CONFIRMED, S.WAITLISTED)
    hall = CheckInListFactory(event=event, name="Hội trường")
    checkin = CheckIn.objects.create(
        registration=seated,
        checkin_list=hall,
        response={"status": "ok", "registration": {"id": seated.pk, "full_name": "Phạm Văn Xóa"}},
    )
    erased = registration_erase(registration=seated, by=Actor.attendee())
    assert erased.status == S.CANCELLED
    assert (erased.full_name, erased.phone, erased.organization, erased.title, erased.needs) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert erased.email == f"{seated.pk}@anonymised.invalid"
    assert erased.share_with_exhibitors is False
    assert erased.search_key == ""
    assert (erased.purge_reason, erased.purged_at is not None) == ("erasure", True)
    assert erased.created_at == seated.created_at  # the statistics' times stay
    assert erased.category_id == category.pk
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED  # the seat went to the waitlist
    checkin.refresh_from_db()
    assert checkin.response == {"status": "ok", "registration": {"id": seated.pk}}
    emails = Email.objects.filter(object_id=seated.pk, content_type__model="registration")
    assert sorted(emails.values_list("kind", "to", "status", "context")) == [
        ("registration.cancelled", "", "cancelled", {}),
        ("registration.confirmed", "", "cancelled", {}),
    ]
    assert actions(seated) == [
        "registration.created",
        "registration.cancelled",
        "registration.erased",
    ]
    entry = ActivityEntry.objects.get(action="registration.erased")
    assert entry.actor_kind == "attendee"
    assert entry.object_repr == f"#{seated.pk} (đã ẩn danh)"  # the log names nobody
    assert entry.changes["registrations"] == [None, 1]
    assert entry.changes["checkins"] == [None, 1]
    assert Registration.objects.filter(event=event).count() == 2
    assert registration_erase(registration=erased).purged_at == erased.purged_at  # idempotent
    assert actions(seated).count("registration.erased") == 1
    with pytest.raises(InvalidTransition):
        registration_consent(registration=erased)


# --- Retention purge ----------------------------------------------------------------------------


def purge_scene():
    """An event that ended 181 days ago (180 kept), with guests in several states, check-ins,
    a failed scan, an unused invitation and an import; and a recent event, not due."""
    old = past_event(days_ago=181, name="Diễn đàn 2025")
    category = make_category(old, name="Đại biểu")
    confirmed = [
        registration_create(
            event=old,
            category=category,
            skip_email_confirmation=True,
            organization="Sở TT&TT",
            title="Chuyên viên",
            phone="0912345678",
            needs="Ăn chay",
            **person(n),
        )
        for n in range(3)
    ]
    cancelled = registration_create(
        event=old, category=category, skip_email_confirmation=True, **person(9)
    )
    Registration.objects.filter(pk=cancelled.pk).update(status=S.CANCELLED)
    hall = CheckInListFactory(event=old, name="Hội trường")
    for registration in confirmed[:2]:
        CheckIn.objects.create(
            registration=registration,
            checkin_list=hall,
            gate="Cổng 1",
            response={"registration": {"id": registration.pk, "full_name": registration.full_name}},
        )
    ScanLog.objects.create(
        event=old,
        checkin_list=hall,
        kind="entry",
        method="manual",
        result="invalid",
        scanned="NGUYEN VAN A 0912345678",
    )
    Invitation.objects.create(
        event=old, category=category, full_name="Khách Chưa Dùng", email="k@example.com"
    )
    InvitationImport.objects.create(
        event=old,
        file_name="khach.csv",
        created_count=1,
        report=[{"line": 2, "full_name": "Khách", "email": "k@example.com", "action": "create"}],
    )
    recent = past_event(days_ago=10, name="Diễn đàn mới")
    fresh = registration_create(
        event=recent, category=make_category(recent), skip_email_confirmation=True, **person(20)
    )
    return old, confirmed, cancelled, recent, fresh


def test_the_purge_anonymises_the_event_after_its_retention_and_keeps_the_statistics():
    old, confirmed, cancelled, recent, fresh = purge_scene()
    before = {
        status: Registration.objects.filter(event=old, status=status).count() for status in S.values
    }
    checkin_times = list(
        CheckIn.objects.filter(registration__event=old).values_list("created_at", flat=True)
    )
    assert events_due_for_purge() == [old]

    [(event, counts)] = personal_data_purge_due(by=Actor.system("test"))

    assert event == old
    assert (counts.registrations, counts.invitations, counts.checkins, counts.scans) == (4, 1, 2, 1)
    assert counts.emails == 4  # one badge email each
    after = {
        status: Registration.objects.filter(event=old, status=status).count() for status in S.values
    }
    assert after == before  # counts by status stay
    rows = Registration.objects.filter(event=old).order_by("pk")
    assert (
        list(rows.values_list("full_name", "phone", "organization", "title", "needs"))
        == [("", "", "", "", "")] * 4
    )
    assert [r.email for r in rows] == [f"{r.pk}@anonymised.invalid" for r in rows]
    assert set(rows.values_list("purge_reason", flat=True)) == {"retention"}
    assert sorted(
        CheckIn.objects.filter(registration__event=old).values_list("created_at", flat=True)
    ) == sorted(checkin_times)
    assert [c.response for c in CheckIn.objects.filter(registration__event=old).order_by("pk")] == [
        {"registration": {"id": confirmed[0].pk}},
        {"registration": {"id": confirmed[1].pk}},
    ]
    assert list(ScanLog.objects.filter(event=old).values_list("scanned", flat=True)) == [""]
    assert list(Invitation.objects.filter(event=old).values_list("full_name", "email")) == [
        ("", "")
    ]
    assert InvitationImport.objects.get(event=old).report == [
        {"line": 2, "action": "create", "reason_code": None, "result": None, "category_id": None}
    ]
    emails = Email.objects.filter(
        content_type__model="registration", object_id__in=[r.pk for r in rows]
    )
    assert emails.count() == 4 and not emails.exclude(to="").exists()
    old.refresh_from_db()
    assert old.personal_data_purged_at is not None
    entry = ActivityEntry.objects.get(action="event.personal_data_purged")
    assert (entry.event_id, entry.actor_kind, entry.actor_label) == (old.pk, "system", "test")
    assert entry.changes["registrations"] == [None, 4]
    # The recent event is untouched.
    fresh.refresh_from_db()
    assert (fresh.full_name, fresh.purged_at) == ("Người Tham Dự 20", None)
    # Idempotent: nothing is due any more, a forced second run changes nothing.
    assert personal_data_purge_due() == []
    with pytest.raises(InvalidTransition):  # still confirmed, but nobody's any more
        registration_update(registration=confirmed[0], full_name="Người Khác")
    again = event_purge_personal_data(event=old)
    assert (again.registrations, again.invitations, again.checkins, again.scans, again.emails) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert ActivityEntry.objects.filter(action="event.personal_data_purged").count() == 1


def test_a_dry_run_counts_and_changes_nothing():
    old, confirmed, *_rest = purge_scene()
    [(event, counts)] = personal_data_purge_due(dry_run=True)
    assert (event, counts.registrations, counts.checkins, counts.scans, counts.invitations) == (
        old,
        4,
        2,
        1,
        1,
    )
    confirmed[0].refresh_from_db()
    assert confirmed[0].full_name == "Người Tham Dự 0"
    assert not ActivityEntry.objects.filter(action="event.personal_data_purged").exists()
    old.refresh_from_db()
    assert old.personal_data_purged_at is None


def test_each_event_has_its_own_retention_period():
    event = past_event(days_ago=31, retention_days=30)
    assert event.personal_data_purge_at == event.ends_at + dt.timedelta(days=30)
    assert events_due_for_purge() == [event]
    Event.objects.filter(pk=event.pk).update(retention_days=365)
    assert events_due_for_purge() == []
    assert Event._meta.get_field("retention_days").default == 180
