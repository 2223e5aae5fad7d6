from django.db import models
from django.utils.translation import gettext_lazy as _

from core.enums import Language  # noqa: F401 (re-exported: the events app names it here)


class RegistrationStatus(models.TextChoices):
    PENDING_EMAIL = "pending_email", _("Waiting for email confirmation")
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


class DataBasis(models.TextChoices):
    """Why we hold a registration's personal data (Decree 13/2023/NĐ-CP, article 11 and 17)."""

    SELF = "self", _("Registered themself, with consent")
    ORGANIZER = "organizer", _("Invited or added by the organizer")
    WALKIN = "walkin", _("Registered at the door by staff")
    STAFF_PASS = "staff_pass", _("Staff pass from an exhibitor")


#: The version of the consent text (the registration form's box, the manage page's request and
#: the privacy page it links to). Change it whenever that text changes: each consent records
#: the version the guest agreed to.
CONSENT_VERSION = "2026-12"


class PurgeReason(models.TextChoices):
    """Why a registration's personal data was deleted (its row stays for the statistics)."""

    RETENTION = "retention", _("Retention period over")
    ERASURE = "erasure", _("Deleted at the attendee's request")


#: Statuses that hold (or wait for) a place: at most one such registration per email and event.
LIVE_STATUSES = (
    RegistrationStatus.PENDING_EMAIL,
    RegistrationStatus.PENDING_APPROVAL,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


class CheckInKind(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class CheckInMethod(models.TextChoices):
    SCAN = "scan", _("Badge scanned")
    MANUAL = "manual", _("Found by search")
    WALKIN = "walkin", _("Walk-in")
    KIOSK = "kiosk", _("Email and code at a kiosk")


class ScanResult(models.TextChoices):
    OK = "ok", _("Checked in")
    INVALID = "invalid", _("Unknown badge")
    ALREADY_CHECKED_IN = "already_checked_in", _("Already checked in")
    CANCELLED = "cancelled", _("Registration cancelled")
    NOT_CONFIRMED = "not_confirmed", _("Registration not confirmed")
    NOT_ALLOWED = "not_allowed", _("Not admitted on this list")
    WRONG_EVENT = "wrong_event", _("Badge of another event")
    LIST_CLOSED = "list_closed", _("This list is closed")


class RegistrationEmailKind(models.TextChoices):
    """The emails to registrants: kinds of the outbox (``mail``), registered in mail_kinds.py."""

    CONFIRM_EMAIL = "registration.confirm_email", _("Confirm your email address")
    CONFIRMED = "registration.confirmed", _("Registration confirmed (badge attached)")
    WAITLISTED = "registration.waitlisted", _("Waitlisted")
    PENDING_APPROVAL = "registration.pending_approval", _("Waiting for approval")
    PROMOTED = "registration.promoted", _("A seat freed up (badge attached)")
    BADGE_REISSUED = "registration.badge_reissued", _("New badge (badge attached)")
    CANCELLED = "registration.cancelled", _("Registration cancelled")
    REJECTED = "registration.rejected", _("Registration declined")
    MANAGE_LINK = "registration.manage_link", _("Link to manage the registration")
    REGISTERED_AGAIN = "registration.registered_again", _("Someone registered again")
    CERTIFICATE = "registration.certificate", _("Certificate of attendance (PDF attached)")
    REMINDER = "registration.reminder", _("Reminder the day before (badge attached)")


class QuestionKind(models.TextChoices):
    """The kinds of an organizer's registration question (``RegistrationQuestion``)."""

    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    CHOICE = "choice", _("One choice")
    CHOICES = "choices", _("Several choices")
    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")


#: The kinds whose answers are keys of the question's choices.
CHOICE_KINDS = frozenset({QuestionKind.CHOICE, QuestionKind.CHOICES})
