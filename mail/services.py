"""The outbox's rules: owe an email (in the caller's transaction), send it once, retry it with
back-off, sweep what is due, resend it from the admin.

A mail server that is down delays an email; it never loses it, and never blocks or undoes the
change that caused it. Each email is sent at most once per lease: a worker that dies after the
mail server accepted the message but before the outcome was recorded leaves a claim that lapses
after ``send_lease()``; the next attempt then sends it again with the same ``Message-ID``, which
mail clients recognise as the same message.
"""

import contextlib
import contextvars
import datetime as dt
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from core.activity import diff, log_action
from mail.exceptions import EmailStillQueued, NoAddressForTest
from mail.models import Email, EmailStatus, EmailText
from mail.registry import kind_get
from mail.texts import Words, text_spec, words_render

logger = logging.getLogger(__name__)

Status = EmailStatus

#: Headers of every message: RFC 3834 (no vacation auto-replies to a machine), and Exchange's
#: equivalent.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def send_lease() -> dt.timedelta:
    """How long a sender may take over one email before another may try it (a worker that died
    mid-send): ``MAIL_SEND_LEASE_SECONDS`` (5 minutes), at least twice ``EMAIL_TIMEOUT``, so
    that a slow but live sender keeps its claim."""
    seconds = max(settings.MAIL_SEND_LEASE_SECONDS, 2 * settings.EMAIL_TIMEOUT)
    return dt.timedelta(seconds=seconds)


def _max_attempts() -> int:
    return int(getattr(settings, "MAIL_MAX_ATTEMPTS", 8))


def _backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the attempt that failed, at most 2 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def _recipients(to: str | list[str] | tuple[str, ...]) -> str:
    """The addresses, trimmed, without blanks or repeats (case-blind), comma-separated."""
    addresses = to.split(",") if isinstance(to, str) else to
    seen: dict[str, str] = {}
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return ", ".join(seen.values())


#: Set while demo data is loaded: emails are recorded as skipped, never sent.
_skipping = contextvars.ContextVar("mail_skipping", default=False)


@contextlib.contextmanager
def emails_skipped():
    """Within this block, ``email_queue`` records each email as skipped and sends nothing (for
    demo data: fictitious people on real-looking addresses)."""
    token = _skipping.set(True)
    try:
        yield
    finally:
        _skipping.reset(token)


def email_queue(
    *,
    kind: str,
    to: str | list[str] | tuple[str, ...],
    language: str,
    about=None,
    context: dict | None = None,
    by=None,
    held_until: dt.datetime | None = None,
) -> Email:
    """Owe ``to`` an email of ``kind`` (a registered kind) about the object ``about``.

    Call it inside the transaction of the change that causes the email: the row commits or
    rolls back with that change. Raises ``mail.registry.UnknownKind`` for a kind no app
    registered. Side effects: writes an Email row (a new Message-ID); after commit, enqueues
    the ``send_email`` task with its id, unless ``held_until`` is given: then the caller sends
    it itself (``email_send``, a throttled bulk sender) and the sweep (``emails_send_due``)
    takes it only from that time on, should that sender be gone.
    """
    kind_get(kind)
    email = Email(
        kind=kind,
        to=_recipients(to),
        language=language or settings.LANGUAGE_CODE,
        context=context or {},
        created_by=by if getattr(by, "pk", None) else None,
    )
    if about is not None:
        email.about = about
    if held_until is not None:
        email.next_attempt_at = held_until
    if _skipping.get():
        email.status = Status.SKIPPED
        email.save()
        return email
    email.save()
    if held_until is None:
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int, *, run_after: dt.datetime | None = None) -> None:
    # mail.tasks imports this module: the task is looked up when it is needed.
    from mail.tasks import send_email  # noqa: PLC0415

    task = send_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # left for `manage.py send_pending_emails`
        task = task.using(run_after=run_after)
    try:
        task.enqueue(email_id)
    except Exception:  # the queue being down must not undo what is already committed
        logger.exception("Could not enqueue email %s; send_pending_emails will retry it", email_id)


def _claim(email_id: int, now: dt.datetime) -> bool:
    """Take the email for one attempt: one conditional UPDATE, so that two senders never both
    send it, and no transaction (on SQLite, no write lock) is held while the mail server is
    slow. A claim left behind by a dead worker lapses after ``send_lease()``, counted from the
    claim itself (a sweep's ``now`` may be minutes old by its 500th email)."""
    claimable = Q(status=Status.PENDING) | Q(status=Status.SENDING, next_attempt_at__lte=now)
    claimed = Email.objects.filter(claimable, pk=email_id).update(
        status=Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=timezone.now() + send_lease(),
    )
    return claimed == 1


def _status_of(email_id: int) -> str:
    return Email.objects.filter(pk=email_id).values_list("status", flat=True).first() or ""


def email_message(email: Email):
    """The message of ``email`` as it goes out: rendered by its kind's builder in its language,
    to its recipients, with its Message-ID and the automatic-mail headers; ``None`` when the
    builder says it is no longer needed. Raises ``UnknownKind`` or whatever rendering raises."""
    build = kind_get(email.kind).build
    with translation.override(email.language or settings.LANGUAGE_CODE):
        message = build(email)
    if message is None:
        return None
    message.to = email.recipients
    message.extra_headers = {
        **message.extra_headers,
        **AUTOMATIC_HEADERS,
        "Message-ID": email.message_id,
    }
    return message


def email_send(*, email_id: int, now: dt.datetime | None = None, connection=None) -> str:
    """Try to send the outbox email ``email_id`` once, unless it is already sent or being sent.
    ``connection``: an open mail backend connection to send it through (a bulk sender keeps
    one for many emails; it closes it after a failure); by default a new one.

    Side effects: claims the row (status ``sending``, one attempt more); renders the email and
    sends it through Django's mail backend outside any transaction; then records the outcome
    (sent; or cancelled when its builder says it is no longer needed; or the error and the next
    attempt time; or given up after ``MAIL_MAX_ATTEMPTS``); on failure enqueues a deferred
    retry when the task backend can defer. Returns the row's status afterwards ("" if the row
    is gone).
    """
    now = now or timezone.now()
    if not _claim(email_id, now):
        return _status_of(email_id)
    email = Email.objects.get(pk=email_id)
    retry_at = None
    try:
        message = email_message(email)
        if message is not None:
            message.connection = connection
            message.send(fail_silently=False)
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
        email.status = Status.SENT if message is not None else Status.CANCELLED
        email.sent_at = timezone.now() if message is not None else None
        email.last_error = ""
    # Only while the claim is still this sender's: after a lapsed lease another sender may have
    # claimed the email again (one attempt more), and its outcome is the one that counts.
    recorded = Email.objects.filter(
        pk=email.pk, status=Status.SENDING, attempts=email.attempts
    ).update(
        last_error=email.last_error,
        status=email.status,
        next_attempt_at=email.next_attempt_at,
        sent_at=email.sent_at,
    )
    if not recorded:
        return _status_of(email_id)
    if retry_at is not None:
        _enqueue(email_id, run_after=retry_at)
    return email.status


def emails_send_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the outbox emails whose next attempt is due, of every kind (for cron, after an
    outage, or where the task backend cannot defer retries).

    Side effects: as ``email_send`` for each. Returns how many were sent.
    """
    now = now or timezone.now()
    ids = list(
        Email.objects.filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(email_send(email_id=pk, now=now) == Status.SENT for pk in ids)


def email_resend(*, email_id: int, by) -> Email:
    """Send an email again (the admin's "resend"): a NEW row, copied from ``email_id`` (kind,
    recipients, language, object, context), with its own Message-ID, made by ``by`` and linked
    to the original (``resent_from``). The original keeps its history (a failed one stays
    failed, with its error). A new Message-ID because the recipient is meant to get it again
    (they lost it, or it never arrived): the same one would be dropped as a copy.

    Refuses an email that is still waiting to be sent or being sent (``EmailStillQueued``).
    Side effects: locks the original row; writes the new row; after commit, enqueues its send.
    """
    with transaction.atomic():
        original = Email.objects.select_for_update().get(pk=email_id)
        if original.status in (Status.PENDING, Status.SENDING):
            raise EmailStillQueued()
        email = Email.objects.create(
            kind=original.kind,
            to=original.to,
            language=original.language,
            content_type_id=original.content_type_id,
            object_id=original.object_id,
            context=original.context,
            created_by=by if getattr(by, "pk", None) else None,
            resent_from=original,
        )
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def emails_about(obj):
    """The outbox rows about ``obj`` (a registration, a booking...), newest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return Email.objects.filter(content_type=content_type, object_id=obj.pk)


def emails_anonymise(*, emails) -> int:
    """Forget whom the ``emails`` (a queryset of the outbox) were for and what they carried:
    their recipients, contexts and last errors are emptied (the kind, status and times stay for
    the statistics); those still waiting are cancelled (nobody to send them to). For the
    personal data purge and erasure requests. Side effects: the rows. Returns how many."""
    emails = emails.exclude(to="", context={}, last_error="")
    emails.filter(status=Status.PENDING).update(status=Status.CANCELLED)
    return emails.update(to="", context={}, last_error="")


# --- The organizers' words (mail/texts.py) --------------------------------------------------

#: The kind of "send me a test" of an organizer's words (registered in mail/mail_kinds.py).
TEST_KIND = "mail.test"
_TEXT_FIELDS = ("event_id", "kind", "language", "subject", "body")


def email_text_save(*, text: EmailText, by) -> EmailText:
    """Save an organizer's words (new or changed; ``text`` was validated by its ``clean``).

    Side effects: the row (``updated_by``), and an activity entry ``email_text.created`` or
    ``email_text.updated`` with what changed, in one transaction. The unique constraint (one
    text per event, kind and language) refuses a second one.
    """
    with transaction.atomic():
        before = (
            EmailText.objects.filter(pk=text.pk).values(*_TEXT_FIELDS).first() if text.pk else None
        )
        text.updated_by = by if getattr(by, "pk", None) else None
        text.save()
        after = {field: getattr(text, field) for field in _TEXT_FIELDS}
        log_action(
            action="email_text.updated" if before else "email_text.created",
            obj=text,
            actor=by,
            changes=diff(before or {}, after),
        )
    return text


def email_text_delete(*, text: EmailText, by) -> None:
    """Delete an organizer's words: that kind's emails about the event go back to the default.
    Side effects: the row, and an activity entry ``email_text.deleted`` (logged first)."""
    with transaction.atomic():
        log_action(action="email_text.deleted", obj=text, actor=by)
        text.delete()


def email_text_sample(text: EmailText) -> Words:
    """``text`` rendered for a sample guest of its event (its kind's sample, made-up links), in
    its language: what the admin's preview shows and "send me a test" sends."""
    spec = text_spec(text.kind)
    with translation.override(text.language):
        if spec.sample is not None:
            values = spec.sample(text.event, text.kind)
        else:
            values = {name: f"[{name}]" for name in spec.placeholders}
        return words_render(text.subject, text.body, spec, values)


def email_text_test_send(*, text: EmailText, by) -> Email:
    """Queue "send me a test" of ``text``: one email of kind ``mail.test`` to ``by``'s address,
    rendered for a sample guest (``email_text_sample``) when it is sent.

    Refuses a user without an email address (``NoAddressForTest``). Side effects: an outbox row
    about the text and an activity entry ``email_text.test_sent``; after commit, its send.
    """
    if not (getattr(by, "email", "") or "").strip():
        raise NoAddressForTest()
    with transaction.atomic():
        email = email_queue(
            kind=TEST_KIND, to=[by.email], language=text.language, about=text, by=by
        )
        log_action(action="email_text.test_sent", obj=text, actor=by, reason=by.email)
    return email
