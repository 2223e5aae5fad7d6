"""Lead scanning: exhibitors' staff scan visitors' badges at their booth.

Who may scan: a member (any role) of a company with an approved booking at the event; each
member at most ``LEAD_SCAN_RATE_LIMIT`` scans ("hits/seconds", core.ratelimit). A badge is read
as the door reads it (``events.checkin.services.registration_for_badge``); it must be a
confirmed registration of that event, not anonymised. A lead is one row per company and
visitor (the unique constraint ``one_lead_per_exhibitor_and_visitor``): a re-scan updates it.

The visitor's details are read from the registration when the lead is shown (``Lead.contact``
and friends): name, title, email and phone only while the visitor agrees to share them
(``Registration.share_with_exhibitors``), otherwise "a visitor from <organisation>". A lead
copies nothing, so a withdrawn consent, an erasure or the retention purge hides them at once;
the purge also clears what staff wrote about the visitor (exhibitors/privacy.py).

The activity log records scans, edits and exports; never a note's or a tag's text (the log is
kept after the purge): an edit logs the rating and the lengths of note and tags.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.activity import log_action
from core.ratelimit import hit, parse_limit
from core.text import nfc
from events.checkin.services import registration_for_badge
from events.enums import RegistrationStatus
from events.models import Event
from exhibitors.enums import BookingStatus
from exhibitors.exceptions import (
    LeadAnonymised,
    LeadBadgeInvalid,
    LeadBadgeNotConfirmed,
    LeadBadgeRevoked,
    LeadInvalidDetails,
    LeadScanNotAllowed,
    LeadScanRateLimited,
    LeadWrongEvent,
)
from exhibitors.models import BoothBooking, Exhibitor, ExhibitorMember, Lead

__all__ = [
    "lead_scan_allowed",
    "lead_scan",
    "lead_update",
    "lead_tags_clean",
    "leads_exported",
]

#: Registration statuses whose badge no longer admits anyone.
REVOKED_STATUSES = (
    RegistrationStatus.CANCELLED,
    RegistrationStatus.REJECTED,
    RegistrationStatus.EXPIRED,
)
MAX_TAGS = 10
MAX_TAG_LENGTH = 30
MAX_NOTE_LENGTH = 2000
#: The longest code read from a scanner (a badge token has 16 to 64 characters).
MAX_CODE_LENGTH = 200


def lead_scan_allowed(*, exhibitor: Exhibitor, event: Event) -> bool:
    """Whether ``exhibitor`` has an approved booking at ``event``. Side effects: none."""
    return BoothBooking.objects.filter(
        exhibitor=exhibitor, event=event, status=BookingStatus.APPROVED
    ).exists()


def _throttle(member: ExhibitorMember) -> None:
    hits, window = parse_limit(settings.LEAD_SCAN_RATE_LIMIT)
    retry_after = hit(scope="lead-scan", client=f"m{member.pk}", limit=hits, window=window)
    if retry_after:
        raise LeadScanRateLimited(retry_after)


def _visitor(event: Event, code: str):
    """The registration behind the scanned ``code``, checked for ``event``."""
    registration = registration_for_badge((code or "")[:MAX_CODE_LENGTH].strip())
    if registration is None or registration.purged_at is not None:
        raise LeadBadgeInvalid()
    if registration.event_id != event.pk:
        raise LeadWrongEvent()
    if registration.status in REVOKED_STATUSES:
        raise LeadBadgeRevoked()
    if registration.status != RegistrationStatus.CONFIRMED:
        raise LeadBadgeNotConfirmed()
    return registration


def lead_scan(*, member: ExhibitorMember, event: Event, code: str, now=None) -> tuple[Lead, bool]:
    """Record that ``member`` scanned the badge ``code`` at their company's booth at ``event``.

    Returns the lead and whether it is new. A re-scan by any member of the company updates the
    lead (last scanned at, number of scans), concurrent first scans included (the unique
    constraint decides). Raises, before anything is saved: LeadScanRateLimited (over the
    member's limit; every attempt counts), LeadScanNotAllowed (no approved booking at the
    event), LeadBadgeInvalid (not a badge, unknown, anonymised), LeadWrongEvent,
    LeadBadgeRevoked (cancelled, rejected, expired), LeadBadgeNotConfirmed.
    Side effects: the rate counter; the lead; the activity entry ``lead.captured`` (new) or
    ``lead.rescanned`` by the member's user.
    """
    now = now or timezone.now()
    _throttle(member)
    exhibitor = member.exhibitor
    if not lead_scan_allowed(exhibitor=exhibitor, event=event):
        raise LeadScanNotAllowed()
    registration = _visitor(event, code)
    same = Lead.objects.filter(exhibitor=exhibitor, registration=registration)
    with transaction.atomic():
        created = False
        if not same.update(last_scanned_at=now, scans=F("scans") + 1):
            try:
                with transaction.atomic():
                    Lead.objects.create(
                        exhibitor=exhibitor,
                        event=event,
                        registration=registration,
                        scanned_by=member,
                        first_scanned_at=now,
                        last_scanned_at=now,
                    )
                created = True
            except IntegrityError:  # another member scanned the same visitor a moment ago
                same.update(last_scanned_at=now, scans=F("scans") + 1)
        lead = same.select_related("registration", "event", "scanned_by__user").get()
        log_action(
            action="lead.captured" if created else "lead.rescanned",
            obj=lead,
            actor=member.user,
            changes={"scans": [lead.scans - 1, lead.scans]},
        )
    return lead, created


def lead_tags_clean(value) -> list[str]:
    """Tags from a comma-separated text (or a list): trimmed, single spaces, NFC, without
    repeats (case-blind), in the order given. Raises LeadInvalidDetails (more than
    ``MAX_TAGS``, or one longer than ``MAX_TAG_LENGTH``). Side effects: none."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    tags, seen = [], set()
    for item in items:
        tag = " ".join(nfc(str(item)).split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        raise LeadInvalidDetails()
    return tags


def lead_update(
    *, lead: Lead, member: ExhibitorMember, note: str, rating: int | None, tags
) -> Lead:
    """Set what the company's staff say of a lead: ``note``, ``rating`` (1–5 or None) and
    ``tags`` (``lead_tags_clean``). ``lead`` must be of ``member``'s company (else
    LeadScanNotAllowed). Raises LeadInvalidDetails, LeadAnonymised (the visitor's data was
    deleted). Side effects: the lead; if anything changed, the activity entry ``lead.updated``
    by the member's user, with the rating and the lengths of note and tags (not their text).
    """
    if lead.exhibitor_id != member.exhibitor_id:
        raise LeadScanNotAllowed()
    note = nfc(note or "").strip()
    if len(note) > MAX_NOTE_LENGTH or (rating is not None and rating not in Lead.RATINGS):
        raise LeadInvalidDetails()
    tags = lead_tags_clean(tags)
    with transaction.atomic():
        locked = Lead.objects.select_for_update().select_related("registration").get(pk=lead.pk)
        if locked.registration.purged_at is not None:
            raise LeadAnonymised()
        changes = {}
        if locked.rating != rating:
            changes["rating"] = [locked.rating, rating]
        if locked.note != note:
            changes["note_length"] = [len(locked.note), len(note)]
        if locked.tags != tags:
            changes["tags_count"] = [len(locked.tags), len(tags)]
        if changes:
            locked.note, locked.rating, locked.tags = note, rating, tags
            locked.save(update_fields=["note", "rating", "tags", "updated_at"])
            log_action(action="lead.updated", obj=locked, actor=member.user, changes=changes)
    lead.refresh_from_db()
    return lead


def leads_exported(*, member: ExhibitorMember, event: Event | None, count: int, fmt: str) -> None:
    """Log that ``member`` downloaded their company's leads (of ``event``, or all) as ``fmt``:
    personal data left the platform. Side effects: the activity entry
    ``exhibitor.leads_exported`` on the company, by the member's user."""
    with transaction.atomic():
        log_action(
            action="exhibitor.leads_exported",
            obj=member.exhibitor,
            actor=member.user,
            reason=fmt,
            changes={"leads": [None, count]},
            event_id=event.pk if event is not None else None,
        )
