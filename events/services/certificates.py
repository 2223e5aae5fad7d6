"""Certificates of attendance: issued to each guest who entered one of the event's lists that
count (``CheckInList.counts_for_certificate``), once (a unique registration), emailed through
the outbox with the PDF attached (events/emails.py renders it at send time)."""

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.activity import log_action
from events.enums import CheckInKind, RegistrationEmailKind
from events.exceptions import NoCertificateLists
from events.models import Certificate, CheckIn, Event, Registration, new_certificate_code
from events.services.emails import registration_email_queue

BATCH = 500


def certificate_candidates(*, event: Event) -> QuerySet[Registration]:
    """The event's guests owed a certificate: a live entry on a list that counts, no
    certificate yet, data not anonymised; ``first_entry`` annotated (when they first entered).
    Side effects: none."""
    entries = CheckIn.objects.filter(
        registration=OuterRef("pk"),
        checkin_list__event=event,
        checkin_list__counts_for_certificate=True,
        kind=CheckInKind.ENTRY,
        annulled_at__isnull=True,
    )
    first = entries.order_by("created_at").values("created_at")[:1]
    return (
        Registration.objects.filter(event=event, purged_at__isnull=True)
        .filter(Exists(entries))
        .exclude(Exists(Certificate.objects.filter(registration=OuterRef("pk"))))
        .annotate(first_entry=Subquery(first))
        .order_by("pk")
    )


def certificates_issue(*, event: Event, by=None) -> list[Certificate]:
    """Issue the certificates ``event`` owes (``certificate_candidates``) and return the new ones.

    Idempotent: a guest with a certificate gets no second one (the unique registration holds
    it, even against a concurrent run: the row another run made first is skipped, and so is its
    email). Raises ``NoCertificateLists`` when no list of the event counts. Side effects: one
    Certificate row and one queued ``registration.certificate`` email per new certificate; the
    activity entry ``event.certificates_issued`` by ``by`` (with the count), all in one
    transaction.
    """
    if not event.checkin_lists.filter(counts_for_certificate=True).exists():
        raise NoCertificateLists()
    issued_by = by if getattr(by, "pk", None) else None
    issued: list[Certificate] = []
    with transaction.atomic():
        candidates = list(certificate_candidates(event=event))
        for start in range(0, len(candidates), BATCH):
            rows = [
                Certificate(
                    event=event,
                    registration=guest,
                    code=new_certificate_code(),
                    full_name=guest.full_name,
                    attended_on=timezone.localdate(guest.first_entry),
                    issued_by=issued_by,
                )
                for guest in candidates[start : start + BATCH]
            ]
            Certificate.objects.bulk_create(rows, ignore_conflicts=True)
            made = Certificate.objects.filter(code__in=[row.code for row in rows])
            issued += made.select_related("registration").order_by("pk")
        for certificate in issued:
            registration_email_queue(
                registration=certificate.registration, kind=RegistrationEmailKind.CERTIFICATE
            )
        total = event.certificates.count()
        log_action(
            action="event.certificates_issued",
            obj=event,
            actor=by,
            changes={"certificates": [total - len(issued), total]},
            event_id=event.pk,
        )
    return issued
