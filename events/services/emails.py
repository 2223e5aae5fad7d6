"""Emails to registrants: an outbox row written in the caller's transaction, sent by a task after
commit, retried with back-off. A mail server that is down delays an email, it never loses it and
never blocks or undoes the registration that caused it."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from events.models import Registration, RegistrationEmail

logger = logging.getLogger(__name__)

Kind = RegistrationEmail.Kind
Status = RegistrationEmail.Status


def _max_attempts() -> int:
    return int(getattr(settings, "REGISTRATION_EMAIL_MAX_ATTEMPTS", 8))


def _backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the attempt that failed, at most 2 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def registration_email_queue(*, registration: Registration, kind: str) -> RegistrationEmail:
    """Owe ``registration`` an email of ``kind``.

    Side effects: writes a RegistrationEmail row in the current transaction; after commit,
    enqueues the ``send_registration_email`` task with the row's id.
    """
    email = RegistrationEmail.objects.create(registration=registration, kind=kind)
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int, *, run_after: dt.datetime | None = None) -> None:
    from events.tasks import send_registration_email

    task = send_registration_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # left for `manage.py send_pending_emails`
        task = task.using(run_after=run_after)
    try:
        task.enqueue(email_id)
    except Exception:  # the queue being down must not undo what is already committed
        logger.exception("Could not enqueue email %s; send_pending_emails will retry it", email_id)


#: How long a sender may take over one email before another may try it (a worker that died
#: mid-send).
SEND_LEASE = dt.timedelta(minutes=5)


def _claim(email_id: int, now: dt.datetime) -> bool:
    """Take the email for one attempt: one conditional UPDATE, so that two senders never both
    send it, and no transaction (on SQLite, no write lock) is held while the mail server is
    slow. A claim left behind by a dead worker lapses after ``SEND_LEASE``, counted from the
    claim itself (a sweep's ``now`` may be minutes old by its 500th email)."""
    claimable = Q(status=Status.PENDING) | Q(status=Status.SENDING, next_attempt_at__lte=now)
    claimed = RegistrationEmail.objects.filter(claimable, pk=email_id).update(
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=timezone.now() + SEND_LEASE,
    )
    return claimed == 1


def registration_email_send(*, email_id: int, now: dt.datetime | None = None) -> str:
    """Try to send the outbox email ``email_id`` once, unless it is already sent or being sent.

    Side effects: claims the row (status ``sending``, one attempt more); renders the email and
    sends it through Django's mail backend outside any transaction; then records the outcome
    (sent, or the error and the next attempt time, or given up); on failure enqueues a deferred
    retry when the task backend can defer. Returns the row's status afterwards ("" if the row is
    gone).
    """
    from events.emails import build_registration_email

    now = now or timezone.now()
    if not _claim(email_id, now):
        status = RegistrationEmail.objects.filter(pk=email_id).values_list("status", flat=True)
        return status.first() or ""
    email = RegistrationEmail.objects.select_related(
        "registration__event", "registration__category"
    ).get(pk=email_id)
    retry_at = None
    try:
        build_registration_email(email).send(fail_silently=False)
    except Exception as error:
        logger.warning("Email %s (%s) failed: %s", email.pk, email.kind, error)
        email.last_error = f"{type(error).__name__}: {error}"[:500]
        if email.attempts >= _max_attempts():
            email.status = Status.FAILED
        else:
            email.status = Status.PENDING
            email.next_attempt_at = timezone.now() + _backoff(email.attempts)
            retry_at = email.next_attempt_at
    else:
        email.status = Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
    # Only while the claim is still this sender's: after a lapsed lease another sender may have
    # claimed the email again (one attempt more), and its outcome is the one that counts.
    recorded = RegistrationEmail.objects.filter(
        pk=email.pk, status=Status.SENDING, attempts=email.attempts
    ).update(
        last_error=email.last_error,
        status=email.status,
        next_attempt_at=email.next_attempt_at,
        sent_at=email.sent_at,
    )
    if not recorded:
        return RegistrationEmail.objects.filter(pk=email_id).values_list("status", flat=True)[0]
    if retry_at is not None:
        _enqueue(email_id, run_after=retry_at)
    return email.status


def registration_emails_send_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the outbox emails whose next attempt is due (for cron or after an outage).

    Side effects: as ``registration_email_send`` for each. Returns how many were sent.
    """
    now = now or timezone.now()
    ids = list(
        RegistrationEmail.objects.filter(
            status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(registration_email_send(email_id=pk, now=now) == Status.SENT for pk in ids)
