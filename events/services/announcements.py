"""Announcements: an email written by the organizers to a segment of an event's registrations,
sent through the outbox (``mail``) at a throttled rate, each recipient exactly once; and the
one-click unsubscribe (RFC 8058) of such non-essential emails.

Exactly once: ``announcement_send`` queues a job (``announcement_deliver``) that holds a lease on
the announcement (``core.leases``). It writes, batch by batch and each batch in one transaction,
an outbox email and an ``AnnouncementRecipient`` row per registration of the segment that has
none yet (the pair is unique in the database); then it sends those emails one by one at
``ANNOUNCEMENT_SEND_RATE`` per minute, each through the outbox's claim (``email_send``: a
conditional UPDATE). A worker killed mid-way stops renewing its lease; another worker takes the
job up (``jobs_reclaim``) and starts over: the recipients already written are skipped, the
emails already sent are not claimed again. The one email that was in the mail server's hands
at the moment of the kill is sent again only if its outcome was not recorded, with the same
Message-ID (mail clients drop the copy), once its send lease lapses.

The emails are written held (``held_until``): no task per email (that would bypass the
throttle); the outbox's sweep takes them up only if the job is gone for a day.

Unsubscribed guests (``Registration.unsubscribed_at``) are left out of the segment, and an email
already queued is cancelled when it is built (the builder checks again at send time). They still
get every email about their own registration (confirmation, badge, changes, the reminder the
day before): those are transactional.
"""

import contextlib
import datetime as dt
import logging
import time

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.activity import Actor, log_action
from core.leases import Lease, LeaseLost, job_requeue, lease_claim
from events.enums import CheckInKind, RegistrationStatus
from events.exceptions import (
    AnnouncementAlreadySent,
    AnnouncementListOfAnotherEvent,
    AnnouncementNoRecipients,
    AnnouncementNotRetryable,
    AnnouncementRecipientsChanged,
    UnsubscribeLinkInvalid,
)
from events.models import (
    Announcement,
    AnnouncementRecipient,
    AttendeeCategory,
    CheckedIn,
    CheckIn,
    CheckInList,
    Event,
    Registration,
)
from mail.models import EmailStatus
from mail.services import email_queue, email_send

logger = logging.getLogger(__name__)

#: The outbox's kind of an announcement (registered in events/mail_kinds.py).
ANNOUNCEMENT_KIND = "announcement.message"

#: Recipients written per transaction.
BATCH = 500

#: How long the emails of an announcement wait for its job before the outbox's sweep sends them.
HOLD = dt.timedelta(days=1)

Status = Announcement.Status

# --- The segment ------------------------------------------------------------------------------


def registrations_in_segment(
    *,
    event: Event,
    categories=(),
    statuses=(),
    checkin_list: CheckInList | None = None,
    checked_in: str = CheckedIn.ANY,
    language: str = "",
) -> QuerySet[Registration]:
    """The registrations of ``event`` an announcement with this segment goes to: in one of
    ``categories`` (none: all), of one of ``statuses`` (none: confirmed), checked in or not on
    ``checkin_list`` (an entry not undone), of ``language`` (empty: all); never one whose
    personal data was deleted or who unsubscribed."""
    registrations = Registration.objects.filter(
        event=event,
        status__in=list(statuses) or [RegistrationStatus.CONFIRMED],
        purged_at__isnull=True,
        unsubscribed_at__isnull=True,
    ).exclude(email="")
    category_ids = [getattr(category, "pk", category) for category in categories]
    if category_ids:
        registrations = registrations.filter(category_id__in=category_ids)
    if language:
        registrations = registrations.filter(language=language)
    if checkin_list is not None and checked_in:
        entered = CheckIn.objects.filter(
            registration=OuterRef("pk"),
            checkin_list=checkin_list,
            kind=CheckInKind.ENTRY,
            annulled_at__isnull=True,
        )
        condition = Exists(entered)
        registrations = registrations.filter(condition if checked_in == "yes" else ~condition)
    return registrations


def announcement_segment(announcement: Announcement) -> QuerySet[Registration]:
    """The registrations ``announcement`` goes to, as of now."""
    return registrations_in_segment(
        event=announcement.event,
        categories=announcement.categories.all(),
        statuses=announcement.status_list,
        checkin_list=announcement.checkin_list,
        checked_in=announcement.checked_in,
        language=announcement.language,
    )


# --- Writing and sending ----------------------------------------------------------------------


def announcement_create(
    *,
    event: Event,
    subject: str,
    body: str,
    subject_en: str = "",
    body_en: str = "",
    categories=(),
    statuses=(),
    checkin_list: CheckInList | None = None,
    checked_in: str = CheckedIn.ANY,
    language: str = "",
    by=None,
) -> Announcement:
    """Write a draft announcement (nothing is sent until ``announcement_send``).

    Raises ``AnnouncementListOfAnotherEvent`` when a category or the list is another event's.
    Side effects: the Announcement row and its categories; the activity entry
    ``announcement.created`` by ``by``.
    """
    categories = list(categories)
    foreign = [c for c in categories if isinstance(c, AttendeeCategory) and c.event_id != event.pk]
    if foreign or (checkin_list is not None and checkin_list.event_id != event.pk):
        raise AnnouncementListOfAnotherEvent()
    with transaction.atomic():
        announcement = Announcement.objects.create(
            event=event,
            subject=subject.strip(),
            subject_en=subject_en.strip(),
            body=body.strip(),
            body_en=body_en.strip(),
            statuses=[str(status) for status in statuses],
            checkin_list=checkin_list if checked_in else None,
            checked_in=checked_in if checkin_list is not None else CheckedIn.ANY,
            language=language,
            created_by=by if getattr(by, "pk", None) else None,
        )
        announcement.categories.set(categories)
        log_action(action="announcement.created", obj=announcement, actor=by)
    return announcement


def announcement_send(
    *, announcement: Announcement, by, expected: int | None = None
) -> Announcement:
    """Send a draft announcement to its segment as it is now (the admin's confirm step, which
    showed ``expected`` recipients).

    Raises ``AnnouncementAlreadySent`` (not a draft any more: sent twice, two tabs),
    ``AnnouncementNoRecipients`` (nobody matches) and ``AnnouncementRecipientsChanged`` (the
    segment no longer counts ``expected``: the organizer is shown the new number). Side
    effects: the announcement queued (its count of recipients, when); the activity entry
    ``announcement.sent`` by ``by``; after commit, the ``send_announcement`` task.
    """
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Status.DRAFT:
            raise AnnouncementAlreadySent()
        count = announcement_segment(announcement).count()
        if not count:
            raise AnnouncementNoRecipients()
        if expected is not None and expected != count:
            raise AnnouncementRecipientsChanged()
        announcement.status = Status.QUEUED
        announcement.total = count
        announcement.queued_at = timezone.now()
        announcement.save(update_fields=["status", "total", "queued_at"])
        log_action(
            action="announcement.sent",
            obj=announcement,
            actor=by,
            changes={"status": [Status.DRAFT, Status.QUEUED], "recipients": [None, count]},
        )
        transaction.on_commit(lambda: _enqueue(announcement.pk))
    return announcement


def announcement_retry(*, announcement: Announcement, by) -> Announcement:
    """Send a failed announcement again, or a stuck one (sending under a lapsed lease: its
    worker died) now rather than at the next worker's sweep (the admin's "Send again"). The job
    skips the recipients already written and the emails already sent.

    Raises ``AnnouncementNotRetryable`` otherwise. Side effects: the announcement queued again
    (error cleared); its task ready again or a new one after commit; the activity entry
    ``announcement.retried`` by ``by``.
    """
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if not announcement.may_retry:
            raise AnnouncementNotRetryable()
        previous = announcement.status
        job_requeue(announcement, only_if_lapsed=False)
        Announcement.objects.filter(pk=announcement.pk).update(error="", finished_at=None)
        log_action(
            action="announcement.retried",
            obj=announcement,
            actor=by,
            changes={"status": [previous, Status.QUEUED]},
        )
    announcement.refresh_from_db()
    return announcement


def _enqueue(announcement_id: int) -> None:
    from events.tasks import send_announcement  # noqa: PLC0415 (the tasks import the services)

    send_announcement.enqueue(announcement_id)


def send_rate() -> int:
    """Emails per minute an announcement goes out at (``ANNOUNCEMENT_SEND_RATE``; 0: no limit)."""
    return max(int(getattr(settings, "ANNOUNCEMENT_SEND_RATE", 600)), 0)


class Pace:
    """Spaces calls ``60 / per_minute`` seconds apart (no wait when ``per_minute`` is 0), from
    the first call: a late call is not made up for by a burst of more than one."""

    def __init__(self, per_minute: int):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.next_at = 0.0

    def wait(self, tick=None) -> None:
        """Sleep until the next call is due, calling ``tick()`` (the lease's heartbeat) at
        least once a second meanwhile (a slow rate must not let the lease lapse)."""
        if not self.interval:
            return
        called_at = time.monotonic()
        while (left := self.next_at - time.monotonic()) > 0:
            time.sleep(min(left, 1.0))
            if tick is not None:
                tick()
        self.next_at = max(called_at, self.next_at) + self.interval


def announcement_deliver(*, announcement_id: int, task_id: str = "") -> str:
    """The job of a sent announcement, under a lease on its row: write an outbox email per
    recipient not written yet (``_recipients_write``), send the unsent ones at the throttled
    rate (``_emails_send``), then record it sent. Idempotent: a job taken up again (its worker
    died) skips what is done. A job another worker holds, or a finished one, is left alone.

    Side effects: the announcement's status, attempts, lease, count of recipients, error; the
    outbox rows and recipient rows; the emails sent. Returns the final status.
    """
    lease = lease_claim(
        Announcement,
        announcement_id,
        queued=Q(status=Status.QUEUED),
        running=Q(status=Status.SENDING),
        task_id=task_id,
        status=Status.SENDING,
        error="",
    )
    if lease is None:
        return _status_of(announcement_id)
    announcement = Announcement.objects.select_related("event").get(pk=announcement_id)
    try:
        total = _recipients_write(announcement, lease)
        _emails_send(announcement, lease)
    except (LeaseLost, IntegrityError):
        # Another worker took the job up (a unique recipient row it wrote first, or the lease).
        logger.warning("Announcement %s was taken up by another worker", announcement.pk)
        return _status_of(announcement_id)
    except Exception as error:
        logger.exception("Announcement %s failed", announcement.pk)
        lease.finish(status=Status.FAILED, error=str(error)[:500], finished_at=timezone.now())
        return Status.FAILED
    lease.finish(status=Status.SENT, total=total, finished_at=timezone.now())
    return Status.SENT


def _status_of(announcement_id: int) -> str:
    rows = Announcement.objects.filter(pk=announcement_id)
    return rows.values_list("status", flat=True).first() or ""


def _recipients_write(announcement: Announcement, lease: Lease) -> int:
    """Write an outbox email and a recipient row for each registration of the segment that has
    none yet, ``BATCH`` per transaction (each renews the lease inside it: a batch written after
    the lease was lost rolls back). Returns how many recipients the announcement has."""
    done = AnnouncementRecipient.objects.filter(announcement=announcement)
    while True:
        with transaction.atomic():
            batch = list(
                announcement_segment(announcement)
                .exclude(pk__in=done.values("registration_id"))
                .order_by("pk")
                .only("pk", "email", "language")[:BATCH]
            )
            if not batch:
                return done.count()
            held_until = timezone.now() + HOLD
            AnnouncementRecipient.objects.bulk_create(
                AnnouncementRecipient(
                    announcement=announcement,
                    registration=registration,
                    email=email_queue(
                        kind=ANNOUNCEMENT_KIND,
                        to=[registration.email],
                        language=registration.language,
                        about=registration,
                        context={"announcement": announcement.pk},
                        held_until=held_until,
                    ),
                )
                for registration in batch
            )
            lease.heartbeat(total=done.count())


def _emails_send(announcement: Announcement, lease: Lease) -> None:
    """Send the announcement's emails never tried yet (and those whose sender died mid-send,
    once their send lease lapsed), at ``send_rate()``, renewing the lease as it goes. Waits for
    an email another sender still holds. Emails whose attempt failed are the outbox's to retry
    (with back-off)."""
    recipients = AnnouncementRecipient.objects.filter(announcement=announcement)
    pace = Pace(send_rate())
    # One SMTP session for many emails, opened again after a failure (a session cut short).
    with get_connection() as connection:
        _emails_send_through(recipients, lease, pace, connection)


def _emails_send_through(recipients, lease: Lease, pace: Pace, connection) -> None:
    beat_at = time.monotonic()
    while True:
        now = timezone.now()
        due = recipients.filter(
            Q(email__status=EmailStatus.PENDING, email__attempts=0)
            | Q(email__status=EmailStatus.SENDING, email__next_attempt_at__lte=now)
        )
        ids = list(due.order_by("email_id").values_list("email_id", flat=True)[:BATCH])
        if not ids:
            if not recipients.filter(email__status=EmailStatus.SENDING).exists():
                return
            time.sleep(1)  # another sender holds one: wait for its outcome or its lease
            lease.heartbeat()
            continue
        for email_id in ids:
            pace.wait(tick=lease.heartbeat)
            outcome = email_send(email_id=email_id, connection=connection)
            if outcome not in (EmailStatus.SENT, EmailStatus.CANCELLED):
                connection.close()  # the session may be broken: a new one for the next
                with contextlib.suppress(Exception):  # a server down fails the next send
                    connection.open()
            if time.monotonic() - beat_at >= 1:
                lease.heartbeat()
                beat_at = time.monotonic()


# --- Unsubscribe (RFC 8058) -------------------------------------------------------------------

_UNSUBSCRIBE_SALT = "forumhall.events.unsubscribe"


def unsubscribe_token(registration: Registration) -> str:
    """The unguessable token of ``registration``'s unsubscribe link: its id signed with
    SECRET_KEY (no expiry: the link in an old email keeps working)."""
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(registration.pk))


def registration_from_unsubscribe_token(token: str) -> Registration:
    """The registration of an unsubscribe link. Raises ``UnsubscribeLinkInvalid`` for a token
    that is forged, cut short, or of a registration that is gone or anonymised."""
    try:
        pk = int(signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise UnsubscribeLinkInvalid() from None
    registration = (
        Registration.objects.select_related("event").filter(pk=pk, purged_at__isnull=True).first()
    )
    if registration is None:
        raise UnsubscribeLinkInvalid()
    return registration


def registration_unsubscribe(*, token: str) -> Registration:
    """Unsubscribe the guest of ``token`` from announcements (idempotent: a second click
    changes nothing). They keep getting the emails about their own registration.

    Raises ``UnsubscribeLinkInvalid``. Side effects: ``unsubscribed_at`` (a conditional UPDATE,
    so once); its announcements still waiting are cancelled when built; the activity entry
    ``registration.unsubscribed`` by the attendee, the first time.
    """
    registration = registration_from_unsubscribe_token(token)
    with transaction.atomic():
        now = timezone.now()
        changed = Registration.objects.filter(
            pk=registration.pk, unsubscribed_at__isnull=True
        ).update(unsubscribed_at=now, changed_at=now)
        if changed:
            log_action(
                action="registration.unsubscribed",
                obj=registration,
                actor=Actor.attendee(),
                changes={"unsubscribed_at": [None, now]},
            )
    registration.refresh_from_db()
    return registration


def registration_resubscribe(*, registration: Registration) -> bool:
    """Subscribe the guest of ``registration`` to announcements again (from their manage
    page); True when they were unsubscribed, False when nothing changed (a second click).

    Side effects: ``unsubscribed_at`` cleared (a conditional UPDATE, so once); the activity
    entry ``registration.resubscribed`` by the attendee. Later announcements reach them again;
    those sent meanwhile are not sent after the fact.
    """
    with transaction.atomic():
        now = timezone.now()
        was = (
            Registration.objects.select_for_update()
            .filter(pk=registration.pk, unsubscribed_at__isnull=False)
            .values_list("unsubscribed_at", flat=True)
            .first()
        )
        if was is None:
            return False
        Registration.objects.filter(pk=registration.pk).update(unsubscribed_at=None, changed_at=now)
        log_action(
            action="registration.resubscribed",
            obj=registration,
            actor=Actor.attendee(),
            changes={"unsubscribed_at": [was, None]},
        )
    registration.unsubscribed_at = None
    return True
