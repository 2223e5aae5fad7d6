"""Announcements to a segment: who is in it (categories, statuses, checked in or not on a list,
language; never the unsubscribed or the anonymised), one outbox email per recipient written
once, sent at the throttled rate, each recipient's status; the one-click unsubscribe (RFC
8058); transactional emails still reach the unsubscribed."""

import datetime as dt
import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from core.models import ActivityEntry
from events.enums import CheckInKind, RegistrationStatus
from events.exceptions import (
    AnnouncementAlreadySent,
    AnnouncementListOfAnotherEvent,
    AnnouncementNoRecipients,
    AnnouncementRecipientsChanged,
)
from events.models import Announcement, AnnouncementRecipient, CheckedIn, CheckIn, Registration
from events.services import registration_email_queue
from events.services.announcements import (
    ANNOUNCEMENT_KIND,
    Pace,
    announcement_create,
    announcement_deliver,
    announcement_send,
    registrations_in_segment,
    unsubscribe_token,
)
from events.services.reminders import reminders_queue_due
from mail.models import Email
from mail.services import email_queue, email_send, emails_send_due
from tests.factories.checkin import CategoryFactory, CheckInListFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = RegistrationStatus


@pytest.fixture(autouse=True)
def unthrottled(settings):
    settings.ANNOUNCEMENT_SEND_RATE = 0


@pytest.fixture
def scene():
    """Two categories of one event; guests of each status, language and check-in."""
    delegates = CategoryFactory(name="Đại biểu")
    event = delegates.event
    press = CategoryFactory(event=event, name="Báo chí")
    door = CheckInListFactory(event=event)
    guests = {
        "vi_in": RegistrationFactory(category=delegates, language="vi"),
        "vi_out": RegistrationFactory(category=delegates, language="vi"),
        "en_in": RegistrationFactory(category=press, language="en"),
        "en_out": RegistrationFactory(category=press, language="en"),
        "waiting": RegistrationFactory(category=press, status=Status.WAITLISTED),
        "cancelled": RegistrationFactory(category=delegates, status=Status.CANCELLED),
        "unsubscribed": RegistrationFactory(category=delegates, unsubscribed_at=timezone.now()),
    }
    for name in ("vi_in", "en_in"):
        CheckIn.objects.create(registration=guests[name], checkin_list=door, kind=CheckInKind.ENTRY)
    # An entry that was undone does not count.
    CheckIn.objects.create(
        registration=guests["vi_out"],
        checkin_list=door,
        kind=CheckInKind.ENTRY,
        annulled_at=timezone.now(),
    )
    RegistrationFactory(status=Status.CONFIRMED)  # another event's guest
    return type(
        "Scene",
        (),
        {"event": event, "delegates": delegates, "press": press, "door": door, **guests},
    )


def names(scene, registrations) -> set[str]:
    by_pk = {
        getattr(scene, name).pk: name
        for name in ("vi_in", "vi_out", "en_in", "en_out", "waiting", "cancelled", "unsubscribed")
    }
    return {by_pk[r.pk] for r in registrations}


def test_segment_counts(scene):
    segment = lambda **kw: names(scene, registrations_in_segment(event=scene.event, **kw))  # noqa: E731
    assert segment() == {"vi_in", "vi_out", "en_in", "en_out"}  # confirmed, subscribed
    assert segment(categories=[scene.press]) == {"en_in", "en_out"}
    assert segment(statuses=[Status.WAITLISTED, Status.CANCELLED]) == {"waiting", "cancelled"}
    assert segment(language="en") == {"en_in", "en_out"}
    assert segment(checkin_list=scene.door, checked_in=CheckedIn.YES) == {"vi_in", "en_in"}
    assert segment(checkin_list=scene.door, checked_in=CheckedIn.NO) == {"vi_out", "en_out"}
    assert segment(
        categories=[scene.delegates], checkin_list=scene.door, checked_in=CheckedIn.NO
    ) == {"vi_out"}
    scene.en_out.purged_at, scene.en_out.purge_reason = timezone.now(), "erasure"
    scene.en_out.save()
    assert segment(language="en") == {"en_in"}


def announce(scene, by=None, **segment) -> Announcement:
    return announcement_create(
        event=scene.event,
        subject="Thay đổi phòng họp",
        subject_en="Room change",
        body="Phiên chiều chuyển sang phòng B.\n\nXin cảm ơn <quý vị> & các bạn.",
        body_en="The afternoon session moves to room B.",
        by=by,
        **segment,
    )


def test_send_reaches_each_recipient_once_in_their_language(
    scene, django_capture_on_commit_callbacks
):
    announcement = announce(scene, checkin_list=scene.door, checked_in=CheckedIn.NO)
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(announcement=announcement, by=None, expected=2)
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert announcement.total == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([scene.vi_out.email, scene.en_out.email])
    by_to = {m.to[0]: m for m in mail.outbox}
    vi, en = by_to[scene.vi_out.email], by_to[scene.en_out.email]
    assert vi.subject == "Thay đổi phòng họp" and en.subject == "Room change"
    html = vi.alternatives[0][0]
    assert "Xin cảm ơn &lt;quý vị&gt; &amp; các bạn." in html and "<quý vị>" not in html
    assert "Xin cảm ơn <quý vị> & các bạn." in vi.body
    # RFC 8058: the link with the language prefix, and the one-click POST header.
    token = unsubscribe_token(scene.vi_out)
    assert vi.extra_headers["List-Unsubscribe"].endswith(f"/unsubscribe/{token}/>")
    assert "/en/" not in vi.extra_headers["List-Unsubscribe"]
    assert "/en/unsubscribe/" in en.extra_headers["List-Unsubscribe"]
    assert vi.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    rows = AnnouncementRecipient.objects.filter(announcement=announcement)
    assert {r.email.status for r in rows} == {Email.Status.SENT}
    assert ActivityEntry.objects.filter(action="announcement.sent").count() == 1

    # Sent twice (two tabs): refused; the job run again sends nothing more.
    with pytest.raises(AnnouncementAlreadySent):
        announcement_send(announcement=announcement, by=None)
    assert announcement_deliver(announcement_id=announcement.pk) == Announcement.Status.SENT
    assert len(mail.outbox) == 2


def test_a_job_taken_up_again_skips_whom_it_wrote_to(scene, django_capture_on_commit_callbacks):
    """The first run died after writing the first recipient and sending nothing: the next run
    writes the others and sends each email once."""
    announcement = announce(scene)
    with django_capture_on_commit_callbacks(execute=False):
        announcement_send(announcement=announcement, by=None)
    first = scene.vi_in
    email = registration_email_queue(registration=first, kind=ANNOUNCEMENT_KIND)
    email.context = {"announcement": announcement.pk}
    email.save()
    AnnouncementRecipient.objects.create(announcement=announcement, registration=first, email=email)
    # The dead worker's lease has lapsed.
    Announcement.objects.filter(pk=announcement.pk).update(
        status=Announcement.Status.SENDING, lease_owner="dead", lease_until=timezone.now()
    )
    mail.outbox.clear()
    assert announcement_deliver(announcement_id=announcement.pk) == Announcement.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        r.email for r in (scene.vi_in, scene.vi_out, scene.en_in, scene.en_out)
    )
    assert AnnouncementRecipient.objects.filter(announcement=announcement).count() == 4


def test_refusals(scene, django_capture_on_commit_callbacks):
    with pytest.raises(AnnouncementListOfAnotherEvent):
        announce(scene, categories=[CategoryFactory()])
    nobody = announce(scene, language="en", statuses=[Status.REJECTED])
    with pytest.raises(AnnouncementNoRecipients):
        announcement_send(announcement=nobody, by=None)
    announcement = announce(scene)
    with pytest.raises(AnnouncementRecipientsChanged):
        announcement_send(announcement=announcement, by=None, expected=5)
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT
    assert not Email.objects.exists()


def test_throttle_spaces_the_sends():
    pace = Pace(per_minute=600)  # one every 0.1 s
    started = time.monotonic()
    for _ in range(6):
        pace.wait()
    assert 0.45 <= time.monotonic() - started < 1.5
    # A slow rate renews the lease while it waits (a second at most between beats).
    beats = []
    slow = Pace(per_minute=24)  # one every 2.5 s
    slow.wait(tick=lambda: beats.append(1))
    slow.wait(tick=lambda: beats.append(1))
    assert len(beats) >= 2  # the first call waits for nothing; the second 2.5 s
    unlimited = Pace(per_minute=0)
    started = time.monotonic()
    for _ in range(1000):
        unlimited.wait()
    assert time.monotonic() - started < 0.1


# --- Unsubscribe ------------------------------------------------------------------------------


def unsubscribe_path(registration, language="vi"):
    with translation.override(language):
        return reverse("events:unsubscribe", args=[unsubscribe_token(registration)])


def test_unsubscribe_get_asks_then_one_click_post(client, scene):
    guest = scene.vi_out
    page = client.get(unsubscribe_path(guest))
    assert page.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    guest.refresh_from_db()
    assert guest.unsubscribed_at is None  # a mail scanner following the link changes nothing

    # RFC 8058: the mail client POSTs the body, without cookies or a CSRF token.
    client.cookies.clear()
    done = client.post(unsubscribe_path(guest), {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    guest.refresh_from_db()
    assert guest.unsubscribed_at is not None
    assert ActivityEntry.objects.filter(action="registration.unsubscribed").count() == 1
    again = client.post(unsubscribe_path(guest), {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert ActivityEntry.objects.filter(action="registration.unsubscribed").count() == 1
    assert "đã hủy nhận thông báo" in client.get(unsubscribe_path(guest)).text
    # The guest's copy of their data says so (Decree 13).
    data = client.get(reverse("events:manage_data", args=[guest.manage_secret])).json()
    assert data["registration"]["unsubscribed_from_announcements_at"] is not None


def test_unsubscribe_bad_requests_are_translated_and_change_nothing(client, scene):
    guest = scene.vi_out
    token = unsubscribe_token(guest)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    other_salt = f"{scene.en_out.pk}:forged"
    for bad in (forged, other_salt, "x", "1"):
        response = client.get(f"/unsubscribe/{bad}/")
        assert response.status_code == 404, bad
        assert "Liên kết hủy nhận thông báo này không hợp lệ" in response.text
        assert (
            client.post(f"/unsubscribe/{bad}/", {"List-Unsubscribe": "One-Click"}).status_code
            == 404
        )
    missing = client.post(unsubscribe_path(guest), {})
    assert missing.status_code == 400
    assert "không có gì thay đổi" in missing.text
    english = client.get(f"/en/unsubscribe/{forged}/")
    assert english.status_code == 404 and "This unsubscribe link is not valid" in english.text
    assert (
        not Registration.objects.filter(unsubscribed_at__isnull=False)
        .exclude(pk=scene.unsubscribed.pk)
        .exists()
    )


def test_unsubscribed_after_queueing_gets_no_announcement_but_transactional_mail(
    client, scene, django_capture_on_commit_callbacks
):
    """The job wrote the guest's email (held for the throttled sender), then the guest
    unsubscribed: at send time the email is cancelled, not sent."""
    announcement = announce(scene, language="vi")
    guest = scene.vi_out
    email = email_queue(
        kind=ANNOUNCEMENT_KIND,
        to=[guest.email],
        language="vi",
        about=guest,
        context={"announcement": announcement.pk},
        held_until=timezone.now() + dt.timedelta(days=1),
    )
    client.post(unsubscribe_path(guest), {"List-Unsubscribe": "One-Click"})
    assert email_send(email_id=email.pk) == Email.Status.CANCELLED
    assert not mail.outbox
    # Their own registration's email still goes out (transactional).
    with django_capture_on_commit_callbacks(execute=True):
        registration_email_queue(registration=guest, kind="registration.cancelled")
    assert mail.outbox[-1].to == [guest.email]
    assert "List-Unsubscribe" not in mail.outbox[-1].extra_headers


# --- The reminder the day before --------------------------------------------------------------


def test_reminder_sweep_queues_once_per_registration(scene, django_capture_on_commit_callbacks):
    event = scene.event
    event.starts_at = timezone.now() + dt.timedelta(hours=20)
    event.ends_at = event.starts_at + dt.timedelta(hours=8)
    event.map_url = "https://maps.example/haiphong"
    event.save()
    Registration.objects.filter(event=event).update(
        confirmed_at=timezone.now() - dt.timedelta(days=3)
    )
    late = RegistrationFactory(category=scene.delegates, confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due() == 5  # the four confirmed and the unsubscribed one
        assert reminders_queue_due() == 0
    reminded = {m.to[0] for m in mail.outbox}
    assert scene.unsubscribed.email in reminded  # transactional: about their own registration
    assert late.email not in reminded  # confirmed hours ago: their badge is fresh
    assert scene.waiting.email not in reminded and scene.cancelled.email not in reminded
    message = next(m for m in mail.outbox if m.to == [scene.en_in.email])
    assert message.subject.startswith("Reminder:")
    assert "https://maps.example/haiphong" in message.body
    assert [name.endswith(".pdf") for name, *_ in message.attachments][:1] == [True]
    assert "List-Unsubscribe" not in message.extra_headers
    assert ActivityEntry.objects.filter(action="event.reminders_queued").count() == 1


def test_no_reminder_when_off_too_early_or_turned_off_after_queueing(
    scene, django_capture_on_commit_callbacks
):
    event = scene.event
    event.starts_at = timezone.now() + dt.timedelta(hours=30)
    event.ends_at = event.starts_at + dt.timedelta(hours=8)
    event.save()
    assert reminders_queue_due() == 0  # more than a day ahead
    assert reminders_queue_due(now=timezone.now() + dt.timedelta(hours=7)) == 5
    event.reminder_enabled = False
    event.save()
    for email in Email.objects.filter(kind="registration.reminder"):
        email_send(email_id=email.pk)
    assert not mail.outbox
    assert set(
        Email.objects.filter(kind="registration.reminder").values_list("status", flat=True)
    ) == {Email.Status.CANCELLED}
    Registration.objects.filter(event=event).update(reminder_queued_at=None)
    assert reminders_queue_due(now=timezone.now() + dt.timedelta(hours=7)) == 0  # turned off


# --- The admin --------------------------------------------------------------------------------


@pytest.fixture
def organizer(client):
    user = get_user_model().objects.create_superuser("org", "org@example.com", "pw")
    client.force_login(user)
    return user


def test_admin_counts_then_confirms_then_lists_each_recipient(
    client, organizer, scene, django_capture_on_commit_callbacks
):
    url = reverse("events_announcement_create", args=[scene.event.pk])
    form = {
        "subject": "Thông báo",
        "body": "Nội dung",
        "statuses": [Status.CONFIRMED],
        "language": "vi",
        "checkin_list": scene.door.pk,
        "checked_in": "yes",
    }
    preview = client.post(url, {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "1 khách của sự kiện này đã hủy nhận thông báo" in preview.text
    assert 'data-count="1"' in preview.text
    assert not Announcement.objects.exists()
    bad = client.post(url, {**form, "checkin_list": "", "save": "1"})
    assert bad.status_code == 200 and not Announcement.objects.exists()
    saved = client.post(url, {**form, "save": "1"})
    announcement = Announcement.objects.get()
    assert saved.url == reverse("events_announcement", args=[announcement.pk])
    page = client.get(saved.url)
    assert 'data-count="1"' in page.text and 'name="expected" value="1"' in page.text
    # The segment grew since the count: nothing is sent, the new count is shown.
    newcomer = RegistrationFactory(category=scene.press, language="vi")
    CheckIn.objects.create(registration=newcomer, checkin_list=scene.door, kind=CheckInKind.ENTRY)
    client.post(saved.url, {"expected": "1"})
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        client.post(saved.url, {"expected": "2"})
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted([scene.vi_in.email, newcomer.email])
    listing = client.get(saved.url)
    assert scene.vi_in.email in listing.text and newcomer.email in listing.text
    assert listing.text.count('data-email-status="sent"') == 2
    assert client.post(saved.url, {"expected": "abc"}).status_code == 302  # refused, no 500
    assert len(mail.outbox) == 2
    index = client.get(reverse("events_announcements"))
    assert index.status_code == 200 and "Thông báo" in index.text


def test_the_sweep_command_queues_the_reminders(scene, django_capture_on_commit_callbacks):
    event = scene.event
    event.starts_at = timezone.now() + dt.timedelta(hours=3)
    event.ends_at = event.starts_at + dt.timedelta(hours=8)
    event.save()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_pending_emails", stdout=out)
    assert "Reminders queued: 5." in out.getvalue()
    assert len(mail.outbox) == 5


def test_held_emails_wait_for_their_sender(scene, django_capture_on_commit_callbacks):
    """An email queued held enqueues no task of its own; the sweep takes it only once held."""
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            kind=ANNOUNCEMENT_KIND,
            to=[scene.vi_in.email],
            language="vi",
            about=scene.vi_in,
            context={"announcement": announce(scene).pk},
            held_until=timezone.now() + dt.timedelta(hours=1),
        )
    assert not mail.outbox
    assert emails_send_due() == 0
    assert emails_send_due(now=timezone.now() + dt.timedelta(hours=2)) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT


def test_a_failed_announcement_is_sent_again_from_the_admin(
    client, organizer, scene, django_capture_on_commit_callbacks
):
    """The job failed after writing the emails (the mail templates broke, say): "Send again"
    sends each email once; a draft or a sent announcement cannot be sent again."""
    announcement = announce(scene, language="en")
    with django_capture_on_commit_callbacks(execute=False):
        announcement_send(announcement=announcement, by=None)
    Announcement.objects.filter(pk=announcement.pk).update(
        status=Announcement.Status.FAILED, error="TemplateSyntaxError"
    )
    url = reverse("events_announcement", args=[announcement.pk])
    assert "TemplateSyntaxError" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"retry": "1"})
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT and not announcement.error
    assert sorted(m.to[0] for m in mail.outbox) == sorted([scene.en_in.email, scene.en_out.email])
    assert ActivityEntry.objects.filter(action="announcement.retried").count() == 1
    client.post(url, {"retry": "1"})  # sent: refused with a message, nothing changes
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT and len(mail.outbox) == 2
    assert ActivityEntry.objects.filter(action="announcement.retried").count() == 1
