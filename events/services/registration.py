"""Registration: create, confirm the email, decide the seat, approve, cancel, update, reissue.

Locking (PostgreSQL): the scarce rows are the event (when it has a capacity) and the category.
Every function that decides or frees a seat locks them in that order with ``FOR NO KEY UPDATE``
(a plain ``FOR UPDATE`` would deadlock with the ``FOR KEY SHARE`` lock that inserting a
registration takes on its category) before it locks any registration row. On SQLite,
``transaction_mode="IMMEDIATE"`` serialises writers instead.
"""

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from core.activity import Actor, log_action
from core.phone import normalize_phone
from core.text import nfc
from events.enums import (
    CONSENT_VERSION,
    LIVE_STATUSES,
    DataBasis,
    Language,
    RegistrationEmailKind,
    RegistrationStatus,
)
from events.exceptions import (
    AlreadyRegistered,
    CategoryNotAvailable,
    ConfirmationLinkExpired,
    ConfirmationLinkInvalid,
    ConfirmationLinkUsed,
    ConsentRequired,
    DetailTooLong,
    InvalidEmail,
    InvalidInvitation,
    InvalidTransition,
    MissingName,
    RegistrationClosed,
)
from events.models import (
    AttendeeCategory,
    Event,
    Invitation,
    Registration,
    RegistrationQuestion,
    new_badge_token,
)
from events.services.emails import registration_email_queue
from events.services.questions import answers_changes, answers_clean, event_questions

Status = RegistrationStatus
Kind = RegistrationEmailKind

CONFIRM_SALT = "events.registration.confirm-email"
#: Max lengths the service enforces (the form shows the same limits).
LIMITS = {"full_name": 120, "email": 254, "organization": 200, "title": 200, "needs": 1000}


#: The email each status gets when an organizer sends "the email that fits" again.
RESEND_KINDS = {
    Status.PENDING_EMAIL: Kind.CONFIRM_EMAIL,
    Status.PENDING_APPROVAL: Kind.PENDING_APPROVAL,
    Status.CONFIRMED: Kind.CONFIRMED,
    Status.WAITLISTED: Kind.WAITLISTED,
    Status.CANCELLED: Kind.CANCELLED,
    Status.REJECTED: Kind.REJECTED,
}
#: The organizer's actions on a registration and the statuses each applies to: the services
#: below refuse the others (InvalidTransition; cancelling what is no longer live changes nothing)
#: and the admin offers an action only where it applies.
TRANSITIONS: dict[str, frozenset[str]] = {
    "approve": frozenset({Status.PENDING_APPROVAL}),
    "reject": frozenset({Status.PENDING_APPROVAL, Status.WAITLISTED}),
    "cancel": frozenset(LIVE_STATUSES),
    "resend": frozenset(RESEND_KINDS),
    "reissue": frozenset({Status.CONFIRMED}),
}


def confirm_hours() -> int:
    return int(getattr(settings, "REGISTRATION_CONFIRM_HOURS", 48))


def _locked(queryset: QuerySet) -> QuerySet:
    if connection.features.has_select_for_no_key_update:
        return queryset.select_for_update(no_key=True)
    return queryset.select_for_update()


def _lock_seats(category_id: int) -> AttendeeCategory:
    """Lock the event (if it has a capacity) and then the category; return the category."""
    category = AttendeeCategory.objects.select_related("event").get(pk=category_id)
    if category.event.capacity is not None:
        category.event = _locked(Event.objects.filter(pk=category.event_id)).get()
    locked = _locked(AttendeeCategory.objects.filter(pk=category_id)).get()
    locked.event = category.event
    return locked


def _free_seats(category: AttendeeCategory) -> int | None:
    """Seats left in the category and the event (None: no limit). Call with the locks held."""
    limits = []
    if category.capacity is not None:
        taken = Registration.objects.filter(category=category, status=Status.CONFIRMED).count()
        limits.append(category.capacity - taken)
    if category.event.capacity is not None:
        taken = Registration.objects.filter(
            event_id=category.event_id, status=Status.CONFIRMED
        ).count()
        limits.append(category.event.capacity - taken)
    return max(min(limits), 0) if limits else None


def _log(registration: Registration, action: str, *, by, was: str | None, **kwargs) -> None:
    """The activity entry of ``action`` on ``registration``, its status change from ``was``."""
    changes = kwargs.pop("changes", {})
    if was != registration.status:
        changes = {"status": [was, registration.status], **changes}
    log_action(
        action=f"registration.{action}", obj=registration, actor=by, changes=changes, **kwargs
    )


def _expire(registrations: QuerySet, *, reason: str) -> int:
    """Expire the unconfirmed ``registrations`` (locked first), one activity entry each."""
    expired = list(_locked(registrations.filter(status=Status.PENDING_EMAIL)))
    for registration in expired:
        registration.status = Status.EXPIRED
        registration.save(update_fields=["status"])
        _log(registration, "expired", by=Actor.system(), was=Status.PENDING_EMAIL, reason=reason)
    return len(expired)


def _confirm_seat(registration: Registration, *, now: dt.datetime, kind: str) -> None:
    registration.status = Status.CONFIRMED
    registration.confirmed_at = now
    registration.badge_issued_at = registration.badge_issued_at or now
    registration.save(update_fields=["status", "confirmed_at", "badge_issued_at"])
    registration_email_queue(registration=registration, kind=kind)


def _promote(category: AttendeeCategory, *, now: dt.datetime, by=None, reason: str = "") -> int:
    """Confirm waitlisted registrations in waitlist order while seats are free. Call with
    ``_lock_seats(category)`` held.

    Without an event capacity only the category's own waitlist can gain (its seats are its
    own). With one, the seats are the event's: the event's whole waitlist is served in order
    (the event's lock, held, serialises every seat decision of the event), each guest within
    their own category's limit, so that someone who waited longer in another category is not
    passed over. Side effects: the promoted are confirmed and emailed, each logged as promoted
    by ``by`` (an organizer who added seats; else the system) for ``reason``. Returns how many.
    """
    event = category.event
    if event.capacity is None:
        scope, event_free = Registration.objects.filter(category=category), None
        own_free = _free_seats(category)
        if own_free == 0:
            return 0
        # Only the category's own waitlist, and only as many as its free seats.
        limit = own_free
    else:
        scope = Registration.objects.filter(event_id=event.pk)
        confirmed = scope.filter(status=Status.CONFIRMED).count()
        event_free = max(event.capacity - confirmed, 0)
        if event_free == 0:
            return 0
        limit = None  # guests of full categories are passed over: the rest of the list counts
    queue = _locked(scope.filter(status=Status.WAITLISTED).order_by("waitlisted_at", "id"))
    waiting = list(queue[:limit] if limit is not None else queue)
    categories = {category.pk: category}
    category_free: dict[int, int | None] = {}
    promoted = 0
    for registration in waiting:
        if event_free == 0:
            break
        if registration.category_id not in category_free:
            own = categories.get(registration.category_id) or AttendeeCategory.objects.get(
                pk=registration.category_id
            )
            taken = own.registrations.filter(status=Status.CONFIRMED).count()
            category_free[own.pk] = None if own.capacity is None else max(own.capacity - taken, 0)
        if category_free[registration.category_id] == 0:
            continue
        _confirm_seat(registration, now=now, kind=Kind.PROMOTED)
        _log(registration, "promoted", by=by, was=Status.WAITLISTED, reason=reason)
        promoted += 1
        if event_free is not None:
            event_free -= 1
        if category_free[registration.category_id] is not None:
            category_free[registration.category_id] -= 1
    return promoted


def _decide(registration: Registration, category: AttendeeCategory, *, now: dt.datetime) -> None:
    """Give ``registration`` its status after the email step: pending approval, a seat or the
    waitlist. Call with ``_lock_seats`` held. Side effects: saves it, queues its email; those
    promoted first are logged as promoted by the system."""
    if category.needs_approval and registration.approved_at is None:
        registration.status = Status.PENDING_APPROVAL
        registration.save(update_fields=["status"])
        registration_email_queue(registration=registration, kind=Kind.PENDING_APPROVAL)
        return
    free = _free_seats(category)
    # Anyone already waiting goes first.
    if free and _promote(category, now=now, reason="waitlist order"):
        free = _free_seats(category)
    if free is None or free > 0:
        _confirm_seat(registration, now=now, kind=Kind.CONFIRMED)
    else:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now
        registration.save(update_fields=["status", "waitlisted_at"])
        registration_email_queue(registration=registration, kind=Kind.WAITLISTED)


def _tidy(field: str, value):
    if field in ("full_name", "organization", "title"):
        return " ".join(nfc(value or "").split())
    if field == "needs":
        return nfc(value or "").strip()
    if field in ("email", "phone"):
        return (value or "").strip()
    if field == "language":
        return value if value in Language.values else Language.VI
    if field == "share_with_exhibitors":
        return bool(value)
    raise TypeError(f"Unknown detail: {field}")


def registration_details_tidy(**details) -> dict:
    """The registrant's ``details`` given (any of full_name, email, phone, organization, title,
    needs, language, share_with_exhibitors) tidied as they are stored: text in NFC with single
    spaces (``needs`` only trimmed), email and phone trimmed, an unknown language as Vietnamese.
    Checks nothing (see ``registration_details_clean``). Side effects: none."""
    return {field: _tidy(field, value) for field, value in details.items()}


def registration_details_clean(**details) -> dict:
    """The registrant's ``details`` tidied (``registration_details_tidy``) and checked, the phone
    normalised to +84…: what ``registration_create``, ``registration_update`` and the CSV import
    store. Checks, in this order: the name, when given, is not empty (MissingName), no text is
    longer than ``LIMITS`` (DetailTooLong), the email is valid (InvalidEmail) — all three are
    InvalidDetails — and the phone (InvalidPhone). Side effects: none."""
    cleaned = registration_details_tidy(**details)
    if "full_name" in cleaned and not cleaned["full_name"]:
        raise MissingName()
    if any(len(cleaned[field]) > limit for field, limit in LIMITS.items() if field in cleaned):
        raise DetailTooLong()
    if "email" in cleaned:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            raise InvalidEmail() from None
    if "phone" in cleaned:
        cleaned["phone"] = normalize_phone(cleaned["phone"])
    return cleaned


def _expire_stale(*, event: Event, email: str, now: dt.datetime) -> None:
    """An unconfirmed registration older than the link's lifetime no longer blocks the email."""
    stale = Registration.objects.alias(email_lower=Lower("email")).filter(
        event=event,
        email_lower=email.lower(),  # the index of one_live_registration_per_email_and_event
        created_at__lt=now - dt.timedelta(hours=confirm_hours()),
    )
    _expire(stale, reason="registered again")


def _usable_invitation(invitations: QuerySet, event: Event, code: str) -> Invitation | None:
    """The invitation of ``event`` with ``code`` (spaces and case ignored) if it can still be
    used: not used by a live registration, for a category of the event itself."""
    invitation = invitations.filter(event=event, code=code.strip().upper()).first()
    if invitation is None or invitation.category.event_id != event.pk:
        return None
    used_by = invitation.registration
    return None if used_by and used_by.status != Status.EXPIRED else invitation


def invitation_usable(*, event: Event, code: str) -> Invitation | None:
    """For the public form's early answer: the usable invitation with ``code``, or None.
    ``registration_create`` decides again under its lock. Side effects: none."""
    related = Invitation.objects.select_related("category", "registration")
    return _usable_invitation(related, event, code)


def _with_key(event: Event, key: str) -> Registration | None:
    """The registration of ``event`` that the form with ``key`` made, if any."""
    return Registration.objects.filter(event=event, idempotency_key=key).first() if key else None


def _made_by_this_form(earlier: Registration | None, email: str) -> bool:
    """Whether ``earlier`` (the registration a form's key made) is this sending of the form: for
    the same email and still live (not for another person, not expired or cancelled)."""
    return (
        earlier is not None
        and earlier.email.lower() == email.lower()
        and earlier.status in LIVE_STATUSES
    )


def _registered_with_key(event: Event, key: str, email: str) -> Registration | None:
    """The live registration of ``event`` that the form with ``key`` made for ``email``, if any."""
    earlier = _with_key(event, key)
    return earlier if _made_by_this_form(earlier, email) else None


def registration_create(
    *,
    event: Event,
    category: AttendeeCategory,
    full_name: str,
    email: str,
    phone: str = "",
    organization: str = "",
    title: str = "",
    language: str = "vi",
    needs: str = "",
    consent: bool = True,
    share_with_exhibitors: bool = False,
    invitation_code: str | None = None,
    skip_email_confirmation: bool = False,
    created_by=None,
    by=None,
    reason: str = "",
    created_by_device_id: int | None = None,
    idempotency_key: str = "",
    basis: str | None = None,
    answers: Mapping[str, object] | None = None,
    questions: list[RegistrationQuestion] | None = None,
) -> Registration:
    """Register someone for ``event`` in ``category``.

    Public path (``skip_email_confirmation=False``): the event's registration window must be open,
    the category public or unlocked by ``invitation_code`` (whose category then wins); the
    registration waits in ``pending_email`` and a confirmation link is emailed.
    Trusted path (walk-ins, imports, exhibitor staff: ``skip_email_confirmation=True``): no window
    or invitation check; the seat is decided at once: confirmed, waitlisted or pending_approval.
    A valid invitation code counts as the approval. ``by`` (a User or a ``core.activity.Actor``;
    default ``created_by``, else the system) and ``reason`` go to the activity log.
    ``idempotency_key`` (the public form's key): when a live registration of this event already
    has it, for the same email, that registration is returned as it is (a form sent again after
    its answer was lost, or twice at once): nothing is written, no email queued.

    ``answers`` to the event's questions (keyed by the question's key; ``questions``, the
    event's from ``event_questions``, saves the query when the caller has them): checked and
    stored by ``answers_clean`` for the registration's category (required ones must be
    answered). The public path always checks them; a trusted caller that asks none (exhibitor
    staff, the demo) passes None and stores none.

    ``basis`` (a ``DataBasis``; by default the guest's own consent on the public path, the
    organizer's on the trusted path) is recorded: only the guest's own registration records
    ``consent_at`` and the consent text's version, and only it needs ``consent``.

    Raises AlreadyRegistered (a live registration exists for this email and event),
    RegistrationClosed, CategoryNotAvailable, InvalidInvitation, ConsentRequired, InvalidDetails
    (InvalidAnswer among them), InvalidPhone. Side effects: the Registration row (names in NFC,
    phone as +84…, the answers), the invitation marked used, a stale unconfirmed registration of
    the same email expired, and the email queued (sent after commit); the activity entry
    ``registration.created``.
    """
    by = by if by is not None else created_by
    now = timezone.now()
    details = registration_details_clean(
        full_name=full_name,
        email=email,
        phone=phone,
        organization=organization,
        title=title,
        language=language,
        needs=needs,
        share_with_exhibitors=share_with_exhibitors,
    )
    basis = basis or (DataBasis.ORGANIZER if skip_email_confirmation else DataBasis.SELF)
    if basis == DataBasis.SELF and not consent:
        raise ConsentRequired()
    if category.event_id != event.pk:
        raise CategoryNotAvailable()
    if not skip_email_confirmation and not event.registration_is_open(now):
        raise RegistrationClosed()

    with transaction.atomic():
        earlier = _with_key(event, idempotency_key)
        if earlier is not None:
            if _made_by_this_form(earlier, details["email"]):
                return earlier
            # The form sent again for another person, or after its registration expired or was
            # cancelled: a registration anew, without the key.
            idempotency_key = ""
        invitation = None
        if invitation_code:
            invitation = _usable_invitation(
                _locked(Invitation.objects.all()), event, invitation_code
            )
            if invitation is None:
                # The same form sent twice at once: the first used the code meanwhile.
                if earlier := _registered_with_key(event, idempotency_key, details["email"]):
                    return earlier
                raise InvalidInvitation()
            category = invitation.category
        elif not category.is_public and not skip_email_confirmation:
            raise CategoryNotAvailable()
        stored_answers = {}
        if answers is not None or not skip_email_confirmation:
            stored_answers = answers_clean(
                questions=event_questions(event) if questions is None else questions,
                category_id=category.pk,
                answers=answers or {},
            )

        _expire_stale(event=event, email=details["email"], now=now)
        registration = Registration(
            event=event,
            category=category,
            **details,
            data_basis=basis,
            consent_at=now if basis == DataBasis.SELF else None,
            consent_version=CONSENT_VERSION if basis == DataBasis.SELF else "",
            created_by=created_by,
            created_by_device_id=created_by_device_id,
            created_at=now,
            status=Status.PENDING_EMAIL,
            approved_at=now if invitation else None,
            idempotency_key=idempotency_key,
            answers=stored_answers,
        )
        if skip_email_confirmation:
            category = _lock_seats(category.pk)  # before the insert: see the module docstring
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # The same form sent twice at once: the other one committed first.
            if earlier := _registered_with_key(event, idempotency_key, details["email"]):
                return earlier
            raise AlreadyRegistered() from None
        if invitation is not None:
            invitation.registration = registration
            invitation.save(update_fields=["registration"])
        if skip_email_confirmation:
            _decide(registration, category, now=now)
        else:
            registration_email_queue(registration=registration, kind=Kind.CONFIRM_EMAIL)
        changes = {"category": [None, category.name]}
        if invitation is not None:
            changes["invitation"] = [None, invitation.code]
        _log(registration, "created", by=by, was=None, reason=reason, changes=changes)
    return registration


def registration_confirmation_key(*, registration: Registration) -> str:
    """The signed, expiring key of the confirmation link. Side effects: none."""
    return signing.dumps(registration.pk, salt=CONFIRM_SALT, compress=False)


def _ensure_confirmable(registration: Registration) -> None:
    """Raise ConfirmationLinkExpired or ConfirmationLinkUsed unless it awaits its email step."""
    if registration.status == Status.EXPIRED:
        raise ConfirmationLinkExpired()
    if registration.status != Status.PENDING_EMAIL:
        raise ConfirmationLinkUsed(registration=registration)


def registration_from_confirmation_key(*, key: str) -> Registration:
    """The registration a confirmation link may still confirm. Raises ConfirmationLinkInvalid,
    ConfirmationLinkExpired or ConfirmationLinkUsed (which carries the registration, so that the
    page can lead to it). Side effects: none."""
    try:
        pk = signing.loads(key, salt=CONFIRM_SALT, max_age=dt.timedelta(hours=confirm_hours()))
    except signing.SignatureExpired:
        raise ConfirmationLinkExpired() from None
    except signing.BadSignature:
        raise ConfirmationLinkInvalid() from None
    registration = Registration.objects.select_related("event", "category").filter(pk=pk).first()
    if registration is None:
        raise ConfirmationLinkInvalid()
    _ensure_confirmable(registration)
    return registration


def registration_confirm_email(*, key: str) -> Registration:
    """Confirm the email address behind the link ``key`` (single use) and decide the seat.

    Raises ConfirmationLinkInvalid, ConfirmationLinkExpired (the registration is then expired)
    or ConfirmationLinkUsed. Side effects: status confirmed / waitlisted / pending_approval, the
    matching email queued; waitlisted registrations promoted first if seats are free; the
    activity entry ``registration.email_confirmed`` by the attendee (or ``expired``).
    """
    try:
        found = registration_from_confirmation_key(key=key)
    except ConfirmationLinkExpired:
        try:
            pk = signing.loads(key, salt=CONFIRM_SALT)
        except signing.BadSignature:
            raise ConfirmationLinkExpired() from None
        with transaction.atomic():
            _expire(Registration.objects.filter(pk=pk), reason="confirmation link expired")
        raise
    now = timezone.now()
    with transaction.atomic():
        category = _lock_seats(found.category_id)
        registration = _locked(Registration.objects.filter(pk=found.pk)).get()
        _ensure_confirmable(registration)  # again, under the lock
        registration.email_confirmed_at = now
        registration.save(update_fields=["email_confirmed_at"])
        _decide(registration, category, now=now)
        _log(registration, "email_confirmed", by=Actor.attendee(), was=Status.PENDING_EMAIL)
    return registration


def registration_approve(*, registration: Registration, by=None, reason: str = "") -> Registration:
    """Approve a registration that waits for approval: it gets a seat or goes on the waitlist.

    Raises InvalidTransition unless it is pending approval. Side effects: as ``_decide``; the
    activity entry ``registration.approved`` by ``by`` (a User or an Actor) with ``reason``.
    """
    now = timezone.now()
    with transaction.atomic():
        category = _lock_seats(registration.category_id)
        locked = _locked(Registration.objects.filter(pk=registration.pk)).get()
        if locked.status not in TRANSITIONS["approve"]:
            raise InvalidTransition()
        locked.approved_at = now
        locked.save(update_fields=["approved_at"])
        _decide(locked, category, now=now)
        _log(locked, "approved", by=by, was=Status.PENDING_APPROVAL, reason=reason)
    return locked


def registration_reject(*, registration: Registration, by=None, reason: str = "") -> Registration:
    """Decline a registration that waits for approval or on the waitlist.

    Raises InvalidTransition otherwise. Side effects: status rejected, email queued; the
    activity entry ``registration.rejected`` by ``by`` with ``reason``.
    """
    with transaction.atomic():
        _lock_seats(registration.category_id)
        locked = _locked(Registration.objects.filter(pk=registration.pk)).get()
        if locked.status not in TRANSITIONS["reject"]:
            raise InvalidTransition()
        was = locked.status
        locked.status = Status.REJECTED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        registration_email_queue(registration=locked, kind=Kind.REJECTED)
        _log(locked, "rejected", by=by, was=was, reason=reason)
    return locked


def registration_cancel(*, registration: Registration, by=None, reason: str = "") -> Registration:
    """Cancel a live registration (by its holder or an organizer). Idempotent: a registration
    that is no longer live is returned unchanged.

    Side effects: status cancelled; if it held a seat, the first waitlisted registrations of the
    category are promoted (and emailed); a cancellation email is queued; the activity entry
    ``registration.cancelled`` by ``by`` (a User, or an Actor: the attendee on the manage page)
    with ``reason``.
    """
    now = timezone.now()
    with transaction.atomic():
        category = _lock_seats(registration.category_id)
        locked = _locked(Registration.objects.filter(pk=registration.pk)).get()
        if locked.status not in TRANSITIONS["cancel"]:
            return locked
        was = locked.status
        locked.status = Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        registration_email_queue(registration=locked, kind=Kind.CANCELLED)
        _log(locked, "cancelled", by=by, was=was, reason=reason)
        if was == Status.CONFIRMED:  # the seat's next holder: by the system, for this reason
            _promote(category, now=now, reason=f"seat freed by registration #{locked.pk}")
    return locked


def registration_promote_waitlist(*, category: AttendeeCategory, by=None) -> int:
    """Fill the free seats of ``category`` from the waitlist (after a capacity increase): its
    own waitlist, or the event's if the event has a capacity (see ``_promote``).

    Side effects: promoted registrations confirmed and emailed, each logged as
    ``registration.promoted`` by ``by``. Returns how many.
    """
    with transaction.atomic():
        return _promote(_lock_seats(category.pk), now=timezone.now(), by=by)


def registration_promote_event_waitlist(*, event: Event, by=None) -> int:
    """Fill the free seats of every category of ``event`` from the waitlist (after the event's
    capacity grew or was removed). Side effects and result as ``registration_promote_waitlist``.
    """
    return sum(
        registration_promote_waitlist(category=category, by=by)
        for category in AttendeeCategory.objects.filter(event=event).order_by("pk")
    )


def registration_reissue_badge(
    *, registration: Registration, by=None, reason: str = ""
) -> Registration:
    """Give the confirmed registration a new badge token: the old QR stops working at once.

    Raises InvalidTransition unless it is confirmed. Side effects: new token and badge time; the
    new badge emailed; the activity entry ``registration.badge_reissued`` by ``by`` with
    ``reason`` (the token itself, a secret, is not logged).
    """
    with transaction.atomic():
        locked = _locked(Registration.objects.filter(pk=registration.pk)).get()
        if locked.status not in TRANSITIONS["reissue"]:
            raise InvalidTransition()
        issued = locked.badge_issued_at
        locked.token = new_badge_token()
        locked.badge_issued_at = timezone.now()
        locked.save(update_fields=["token", "badge_issued_at"])
        registration_email_queue(registration=locked, kind=Kind.BADGE_REISSUED)
        changes = {"badge_issued_at": [issued, locked.badge_issued_at]}
        _log(locked, "badge_reissued", by=by, was=locked.status, reason=reason, changes=changes)
    return locked


EDITABLE_FIELDS = (
    "full_name",
    "phone",
    "organization",
    "title",
    "language",
    "needs",
    "share_with_exhibitors",
)


def registration_update(
    *,
    registration: Registration,
    by=None,
    reason: str = "",
    answers: Mapping[str, object] | None = None,
    **changes,
) -> Registration:
    """Change the registrant's details (``EDITABLE_FIELDS``; the email and category stay) and,
    when ``answers`` is given (keyed by the question's key), the answers to the questions asked
    of their category (checked by ``answers_clean``; answers to archived questions or to
    questions of other categories stay).

    A changed name reissues the badge (new token, the old QR stops working). Raises
    InvalidDetails, InvalidPhone or InvalidTransition (not live, or anonymised). Side effects:
    the row; the new badge emailed when the name changed on a confirmed registration; if
    anything changed, the activity entry ``registration.updated`` by ``by`` (a User, or the
    attendee's Actor) with ``reason`` and the changed details (old and new).
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    cleaned = registration_details_clean(**changes)
    with transaction.atomic():
        locked = _locked(Registration.objects.filter(pk=registration.pk)).get()
        if locked.status not in LIVE_STATUSES or locked.purged_at is not None:
            raise InvalidTransition()  # an anonymised row stays anonymous
        renamed = "full_name" in cleaned and cleaned["full_name"] != locked.full_name
        if answers is not None:
            questions = event_questions(locked.event_id)
            cleaned["answers"] = answers_clean(
                questions=questions,
                category_id=locked.category_id,
                answers=answers,
                previous=locked.answers,
            )
        changed = [f for f, v in cleaned.items() if getattr(locked, f) != v]
        logged = {field: [getattr(locked, field), cleaned[field]] for field in changed}
        if "answers" in logged:
            del logged["answers"]
            changes_of_answers = answers_changes(questions, locked.answers, cleaned["answers"])
            logged.update({f"answer:{key}": pair for key, pair in changes_of_answers.items()})
        for field in changed:
            setattr(locked, field, cleaned[field])
        if renamed:
            locked.token = new_badge_token()
            locked.badge_issued_at = timezone.now()
            changed += ["token", "badge_issued_at"]
        if changed:
            locked.save(update_fields=changed)
            _log(locked, "updated", by=by, was=locked.status, reason=reason, changes=logged)
        if renamed and locked.status == Status.CONFIRMED:
            registration_email_queue(registration=locked, kind=Kind.BADGE_REISSUED)
    return locked


def registration_resend_email(*, registration: Registration, kind: str | None = None) -> None:
    """Send the registrant the email that fits the status again (or ``kind``).

    Side effects: an email queued. Confirmation links are only sent while pending_email.
    """
    if kind is None:
        kind = RESEND_KINDS.get(registration.status)
    if kind is None or (kind == Kind.CONFIRM_EMAIL and registration.status != Status.PENDING_EMAIL):
        raise InvalidTransition()
    with transaction.atomic():
        registration_email_queue(registration=registration, kind=kind)


def registration_send_manage_link(*, event: Event, email: str) -> bool:
    """Email the holder of the live registration for ``email`` the link to manage it (or, while
    unconfirmed, the confirmation link again). Says nothing about whether one exists.

    Side effects: an email queued if a live registration exists. Returns whether one did.
    """
    registration = _live_registration(event, email)
    if registration is None:
        return False
    kind = Kind.CONFIRM_EMAIL if registration.status == Status.PENDING_EMAIL else Kind.MANAGE_LINK
    with transaction.atomic():
        registration_email_queue(registration=registration, kind=kind)
    return True


def registration_notify_registered_again(*, event: Event, email: str) -> bool:
    """Tell the holder of the live registration for ``email`` that someone tried to register
    with their address again (the public form answers the same whether or not an address is
    known: the owner hears of it by email). The email carries the link to manage the
    registration (or, while unconfirmed, the confirmation link again).

    Side effects: an email ``registration.registered_again`` queued, in the registration's
    language, if a live registration exists. Returns whether one did.
    """
    registration = _live_registration(event, email)
    if registration is None:
        return False
    with transaction.atomic():
        registration_email_queue(registration=registration, kind=Kind.REGISTERED_AGAIN)
    return True


def _live_registration(event: Event, email: str) -> Registration | None:
    return (
        Registration.objects.alias(email_lower=Lower("email"))
        .filter(event=event, email_lower=(email or "").strip().lower())
        .filter(status__in=LIVE_STATUSES)
        .first()
    )


def registrations_expire_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Expire registrations whose confirmation link has run out. They never held a seat, so
    nothing is freed but the email address. Side effects: status expired, an activity entry
    ``registration.expired`` (by the system) each. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        return _expire(
            Registration.objects.filter(created_at__lt=now - dt.timedelta(hours=confirm_hours())),
            reason="confirmation link expired",
        )
