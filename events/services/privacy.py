"""Personal data under Decree 13/2023/NĐ-CP: consent on the manage page, the attendee's own copy
of their data, erasure at their request, and the retention purge after each event.

Anonymising keeps every row and what the statistics count (status, category, the times of the
registration and of each check-in) and removes what names a person: names, emails, phones,
organizations, positions and answers, the scanners' copies of them, the invitations and the
import reports, and the outbox's recipients and contexts. A registration anonymised carries
``purged_at`` and ``purge_reason``; its email becomes ``<id>@anonymised.invalid`` (unique, so
the one-live-registration-per-email rule holds for the rows that stay live).
"""

import dataclasses
import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from core.activity import ActivityEntry, Actor, log_action
from events.checkin.models import CheckIn, ScanLog
from events.enums import CONSENT_VERSION, LIVE_STATUSES, DataBasis, PurgeReason
from events.exceptions import InvalidTransition
from events.models import Certificate, Event, Invitation, InvitationImport, Registration
from events.services.questions import answers_display, event_questions
from events.services.registration import registration_cancel
from events.signals import personal_data_anonymised, personal_data_collected
from mail.models import Email
from mail.services import emails_anonymise

#: The domain of anonymised addresses (RFC 2606: ".invalid" never delivers).
ANONYMISED_DOMAIN = "anonymised.invalid"
#: What the scanners' stored answers (``response``) keep of a registration.
SCAN_KEPT = ("id", "status", "category")
#: What an import report's row keeps.
REPORT_KEPT = ("line", "action", "reason_code", "result", "category_id")


@dataclasses.dataclass
class PurgeCounts:
    """What an anonymisation changed (or, in a dry run, would change)."""

    registrations: int = 0
    invitations: int = 0
    checkins: int = 0
    scans: int = 0
    emails: int = 0

    def as_changes(self) -> dict:
        return {name: [None, value] for name, value in dataclasses.asdict(self).items()}


def _locked_registration(pk: int) -> Registration:
    """The registration ``pk``, locked as the registration services lock it (``FOR NO KEY
    UPDATE`` on PostgreSQL: inserting check-ins takes ``FOR KEY SHARE`` on it)."""
    no_key = connection.features.has_select_for_no_key_update
    return Registration.objects.select_for_update(no_key=no_key).get(pk=pk)


def _emails_about(ids: list[int]) -> QuerySet:
    registration_type = ContentType.objects.get_for_model(Registration)
    return Email.objects.filter(content_type=registration_type, object_id__in=ids)


def _scrub_answer(response: dict) -> dict:
    registration = response.get("registration")
    if not isinstance(registration, dict):
        return response
    kept = {key: registration[key] for key in SCAN_KEPT if key in registration}
    return {**response, "registration": kept}


def _scrub_answers(queryset: QuerySet, *, scanned: bool) -> int:
    """Remove the names from the stored answers of check-ins or scans (and what was scanned)."""
    rows = list(queryset.only("pk", "response", *(["scanned"] if scanned else [])))
    for row in rows:
        row.response = _scrub_answer(row.response or {})
        if scanned:
            row.scanned = ""
    fields = ["response", "scanned"] if scanned else ["response"]
    queryset.model.objects.bulk_update(rows, fields, batch_size=500)
    return len(rows)


def _scrub_reports(imports: QuerySet, emails: set[str] | None) -> None:
    """Keep an import report's counts and outcomes, not the people: rows of ``emails`` (all rows
    when None) lose their details."""
    for record in imports:
        report = [
            {key: row.get(key) for key in REPORT_KEPT}
            if emails is None or (row.get("email") or "").lower() in emails
            else row
            for row in record.report
        ]
        if report != record.report:
            record.report = report
            record.save(update_fields=["report"])


def _anonymise(
    registrations: QuerySet, *, reason: str, now: dt.datetime, dry_run: bool = False
) -> PurgeCounts:
    """Anonymise ``registrations`` not anonymised yet, their check-ins' and scans' stored
    answers, their invitations and their emails; delete their certificates of attendance.
    Call inside a transaction."""
    pending = registrations.filter(purged_at__isnull=True)
    if not dry_run:
        # Lock the rows first, in order, as the registration services do (an erasure holds its
        # row while it cancels and withdraws its emails): then their emails, check-ins...
        no_key = connection.features.has_select_for_no_key_update
        pending = pending.select_for_update(no_key=no_key).order_by("pk")
    ids = list(pending.values_list("pk", flat=True))
    pending = Registration.objects.filter(pk__in=ids)
    counts = PurgeCounts(registrations=len(ids))
    emails = _emails_about(ids)
    checkins = CheckIn.objects.filter(registration_id__in=ids)
    scans = ScanLog.objects.filter(registration_id__in=ids)
    invitations = Invitation.objects.filter(registration_id__in=ids)
    if dry_run:
        counts.invitations = invitations.count()
        counts.checkins, counts.scans = checkins.count(), scans.count()
        counts.emails = emails.exclude(to="").count()
        return counts
    addresses = {address.lower() for address in pending.values_list("email", flat=True)}
    event_ids = set(pending.values_list("event_id", flat=True))
    _scrub_reports(InvitationImport.objects.filter(event_id__in=event_ids), addresses)
    counts.invitations = invitations.update(full_name="", email="", note="")
    counts.checkins = _scrub_answers(checkins, scanned=False)
    counts.scans = _scrub_answers(scans, scanned=True)
    counts.emails = emails_anonymise(emails=emails)
    # A certificate states the name: it goes (its verify page is then a 404).
    Certificate.objects.filter(registration_id__in=ids).delete()
    # Not anonymised meanwhile (an erasure and the purge at once): the first one's reason stays.
    Registration.objects.filter(pk__in=ids, purged_at__isnull=True).update(
        full_name="",
        email=Concat(Cast("pk", CharField()), Value(f"@{ANONYMISED_DOMAIN}")),
        phone="",
        organization="",
        title="",
        needs="",
        answers={},  # free-text answers are personal data too
        share_with_exhibitors=False,
        search_key="",
        purged_at=now,
        purge_reason=reason,
        changed_at=now,  # the offline scanners' change feed drops the names too
    )
    personal_data_anonymised.send(sender=Registration, registration_ids=ids)
    return counts


def registration_consent(*, registration: Registration, by=None) -> Registration:
    """Record the consent of a guest registered by someone else (the organizer, the door, an
    exhibitor), given on their manage page, to the current consent text (``CONSENT_VERSION``).

    Idempotent: a registration that has consent already is returned unchanged. Raises
    InvalidTransition once its data is deleted. Side effects: ``consent_at`` and
    ``consent_version``; the activity entry ``registration.consent_given`` by ``by`` (default:
    the attendee).
    """
    with transaction.atomic():
        locked = _locked_registration(registration.pk)
        if locked.purged_at is not None:
            raise InvalidTransition()
        if locked.consent_at is not None:
            return locked
        locked.consent_at = timezone.now()
        locked.consent_version = CONSENT_VERSION
        locked.save(update_fields=["consent_at", "consent_version"])
        changes = {
            "consent_at": [None, locked.consent_at],
            "consent_version": [None, CONSENT_VERSION],
        }
        log_action(
            action="registration.consent_given",
            obj=locked,
            actor=by if by is not None else Actor.attendee(),
            changes=changes,
        )
    return locked


def _moment(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def registration_personal_data(*, registration: Registration, by=None) -> dict:
    """Everything we hold about the guest of ``registration``, as JSON-ready data: the
    registration's details, its basis and consent, its check-ins, the emails we sent or owe
    them, the activity log's entries about it, and the sections other apps add
    (``events.signals.personal_data_collected``: exhibitors' leads). Side effects: the
    activity entry ``registration.data_exported`` by ``by`` (default: the attendee)."""
    event = registration.event
    registration_type = ContentType.objects.get_for_model(Registration)
    checkins = CheckIn.objects.filter(registration=registration).select_related("checkin_list")
    emails = Email.objects.filter(content_type=registration_type, object_id=registration.pk)
    data = {
        "exported_at": _moment(timezone.now()),
        "event": {
            "name": event.name,
            "starts_at": _moment(event.starts_at),
            "ends_at": _moment(event.ends_at),
            "organizer": event.organizer,
            "contact_email": event.contact_email,
            "personal_data_deleted_after": _moment(event.personal_data_purge_at),
        },
        "registration": {
            "id": registration.pk,
            "full_name": registration.full_name,
            "email": registration.email,
            "phone": registration.phone,
            "organization": registration.organization,
            "title": registration.title,
            "language": registration.language,
            "needs": registration.needs,
            "share_with_exhibitors": registration.share_with_exhibitors,
            "category": registration.category.name,
            "answers": {
                question.label: answer
                for question, answer in answers_display(
                    event_questions(event, include_archived=True), registration.answers
                )
            },
            "status": registration.status,
            "created_at": _moment(registration.created_at),
            "email_confirmed_at": _moment(registration.email_confirmed_at),
            "approved_at": _moment(registration.approved_at),
            "confirmed_at": _moment(registration.confirmed_at),
            "waitlisted_at": _moment(registration.waitlisted_at),
            "badge_issued_at": _moment(registration.badge_issued_at),
            "cancelled_at": _moment(registration.cancelled_at),
            "unsubscribed_from_announcements_at": _moment(registration.unsubscribed_at),
            "reminder_queued_at": _moment(registration.reminder_queued_at),
        },
        "consent": {
            "basis": registration.data_basis,
            "basis_label": str(DataBasis(registration.data_basis).label),
            "given_at": _moment(registration.consent_at),
            "text_version": registration.consent_version,
        },
        "checkins": [
            {
                "list": checkin.checkin_list.name,
                "kind": checkin.kind,
                "method": checkin.method,
                "at": _moment(checkin.created_at),
                "gate": checkin.gate,
                "annulled_at": _moment(checkin.annulled_at),
            }
            for checkin in checkins.order_by("created_at", "pk")
        ],
        "emails": [
            {
                "kind": email.kind,
                "to": email.recipients,
                "language": email.language,
                "status": email.status,
                "created_at": _moment(email.created_at),
                "sent_at": _moment(email.sent_at),
            }
            for email in emails.order_by("created_at", "pk")
        ],
        "activity": [
            {
                "action": entry.action,
                "at": _moment(entry.at),
                "by": entry.actor_kind,
                "reason": entry.reason,
                "changes": entry.changes,
            }
            for entry in ActivityEntry.objects.filter(
                content_type=registration_type, object_id=str(registration.pk)
            ).order_by("at", "pk")
        ],
    }
    for _receiver, sections in personal_data_collected.send(
        sender=Registration, registration=registration
    ):
        data.update(sections or {})
    with transaction.atomic():
        log_action(
            action="registration.data_exported",
            obj=registration,
            actor=by if by is not None else Actor.attendee(),
        )
    return data


def registration_erase(*, registration: Registration, by=None) -> Registration:
    """Erase the guest's personal data at their request: cancel the registration if it is live
    (its seat goes to the waitlist) and anonymise it at once, as the retention purge does.

    Idempotent: an anonymised registration is returned unchanged. Side effects: those of
    ``registration_cancel`` (its email is then withdrawn with the others), the anonymisation
    (``_anonymise``), and the activity entry ``registration.erased`` by ``by`` (default: the
    attendee) with what was anonymised.
    """
    by = by if by is not None else Actor.attendee()
    now = timezone.now()
    with transaction.atomic():
        if registration.status in LIVE_STATUSES:
            registration_cancel(registration=registration, by=by, reason="erasure requested")
        locked = _locked_registration(registration.pk)
        if locked.purged_at is not None:  # the purge (or another tab) got there first
            emails_anonymise(emails=_emails_about([locked.pk]))  # the cancellation's, if any
            return locked
        scope = Registration.objects.filter(pk=locked.pk)
        counts = _anonymise(scope, reason=PurgeReason.ERASURE, now=now)
        locked.refresh_from_db()
        log_action(action="registration.erased", obj=locked, actor=by, changes=counts.as_changes())
    return locked


def events_due_for_purge(*, now: dt.datetime | None = None) -> list[Event]:
    """The events whose retention period is over and that still hold personal data."""
    now = now or timezone.now()
    due = [
        event
        for event in Event.objects.filter(ends_at__lte=now).order_by("ends_at", "pk")
        if event.personal_data_purge_at <= now
    ]
    holding = set(
        Registration.objects.filter(event__in=due, purged_at__isnull=True)
        .values_list("event_id", flat=True)
        .distinct()
    )
    unpurged_invitations = set(
        Invitation.objects.filter(event__in=due)
        .exclude(full_name="", email="", note="")
        .values_list("event_id", flat=True)
        .distinct()
    )
    return [
        event
        for event in due
        if event.pk in holding
        or event.pk in unpurged_invitations
        or event.personal_data_purged_at is None
    ]


def event_purge_personal_data(
    *, event: Event, now: dt.datetime | None = None, dry_run: bool = False, by=None
) -> PurgeCounts:
    """Anonymise the personal data of ``event`` (see the module): every registration not yet
    anonymised, every invitation (used or not), every import report, the scan log (what was
    scanned, the answers) and the emails about its registrations.

    Idempotent: a second run finds nothing left and changes nothing. ``dry_run`` counts
    without changing anything. Side effects: the rows above; ``Event.personal_data_purged_at``;
    the activity entry ``event.personal_data_purged`` by ``by`` (default: the system) with the
    counts, when anything was anonymised.
    """
    now = now or timezone.now()
    registrations = Registration.objects.filter(event=event)
    invitations = Invitation.objects.filter(event=event).exclude(full_name="", email="", note="")
    scans = ScanLog.objects.filter(event=event, registration__isnull=True).exclude(scanned="")
    if dry_run:
        counts = _anonymise(registrations, reason=PurgeReason.RETENTION, now=now, dry_run=True)
        counts.invitations = invitations.count()
        counts.scans += scans.count()
        return counts
    with transaction.atomic():
        no_key = connection.features.has_select_for_no_key_update
        locked = Event.objects.select_for_update(no_key=no_key).get(pk=event.pk)
        counts = _anonymise(registrations, reason=PurgeReason.RETENTION, now=now)
        counts.invitations += invitations.update(full_name="", email="", note="")
        counts.scans += _scrub_answers(scans, scanned=True)
        _scrub_reports(InvitationImport.objects.filter(event=event), None)
        first = locked.personal_data_purged_at is None
        if first or any(dataclasses.astuple(counts)):
            locked.personal_data_purged_at = now
            locked.save(update_fields=["personal_data_purged_at"])
            log_action(
                action="event.personal_data_purged",
                obj=locked,
                actor=by,
                reason=f"retention: {locked.retention_days} days after the event",
                changes=counts.as_changes(),
                event_id=locked.pk,
            )
        event.personal_data_purged_at = locked.personal_data_purged_at
    return counts


def personal_data_purge_due(
    *, now: dt.datetime | None = None, dry_run: bool = False, by=None
) -> list[tuple[Event, PurgeCounts]]:
    """Purge every event whose retention period is over (``event_purge_personal_data``), one
    transaction each. Returns each event purged (or, in a dry run, due) and its counts."""
    now = now or timezone.now()
    return [
        (event, event_purge_personal_data(event=event, now=now, dry_run=dry_run, by=by))
        for event in events_due_for_purge(now=now)
    ]
