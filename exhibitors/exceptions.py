"""Domain errors of the exhibition: a stable ``code`` and a translated message."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class ExhibitorsError(DomainError):
    """Base error of the exhibition. Views show ``message``; JSON answers carry ``code`` as
    ``reason`` (core.errors.json_error)."""


class BookingClosed(ExhibitorsError):
    code = "booking_closed"
    message = _("Booth booking is closed for this event.")


class BoothUnavailable(ExhibitorsError):
    code = "booth_unavailable"
    message = _("This booth is no longer available. Please choose another one.")


class BoothBlocked(ExhibitorsError):
    code = "booth_blocked"
    message = _("This booth is reserved by the organizer and cannot be booked.")


class WrongEvent(ExhibitorsError):
    code = "wrong_event"
    message = _("This booth belongs to another event.")


class LimitReached(ExhibitorsError):
    code = "limit_reached"
    message = _("Your company already has the largest number of booths allowed for this event.")


class HoldExpired(ExhibitorsError):
    code = "hold_expired"
    message = _("Your hold on this booth has expired. Please choose the booth again.")


class InvalidTransition(ExhibitorsError):
    code = "invalid_transition"
    message = _("This booking cannot be changed that way in its current state.")


class ReasonRequired(ExhibitorsError):
    code = "reason_required"
    message = _("Please give a reason.")


class BoothHasBooking(ExhibitorsError):
    code = "booth_has_booking"
    message = _("This booth has a live booking: cancel or move it first.")


class BoothBooked(ExhibitorsError):
    code = "booth_booked"
    message = _(
        "This booth has a live booking: its event, code, tier and price stay as the exhibitor "
        "agreed. Cancel or move the booking first."
    )


class BoothEventFixed(ExhibitorsError):
    code = "booth_event_fixed"
    message = _("This booth has bookings for its event: it cannot move to another event.")


class AlreadyExhibitor(ExhibitorsError):
    code = "already_exhibitor"
    message = _("Your account already belongs to a company.")


class EmailTaken(ExhibitorsError):
    code = "email_taken"
    message = _("An account with this email address already exists. Please log in.")


class InvalidLink(ExhibitorsError):
    code = "invalid_link"
    message = _("This link is invalid or has expired.")


class WrongPassword(ExhibitorsError):
    code = "wrong_password"
    message = _(
        "This is not the password you chose at sign-up. If you signed up more than once, use "
        "the link of the latest email and the password of that sign-up."
    )


class InvalidLogo(ExhibitorsError):
    code = "invalid_logo"
    message = _("The logo must be a PNG, JPEG or WebP image.")


class InvalidTaxCode(ExhibitorsError):
    code = "invalid_tax_code"
    message = _(
        "Enter a valid tax code: 10 digits, or 10 digits, a dash and 3 digits for a branch."
    )


class TaxCodeCheckDigit(InvalidTaxCode):
    """Ten digits, but the last one is not the check digit of the nine before it: a typo."""

    code = "tax_code_check_digit"
    message = _(
        "The check digit (the 10th digit) of this tax code is wrong: check the number for a typo."
    )


class TaxCodeTaken(ExhibitorsError):
    code = "tax_code_taken"
    message = _("A company with this tax code is already registered.")


class NotAllowed(ExhibitorsError):
    code = "not_allowed"
    message = _("You are not allowed to do this.")


class StaffQuotaReached(ExhibitorsError):
    code = "staff_quota_reached"
    message = _("This booth already has as many staff passes as its tier allows.")


class StaffAlreadyRegistered(ExhibitorsError):
    code = "staff_already_registered"
    message = _("This person is already registered for the event.")


class StaffOverQuota(ExhibitorsError):
    code = "staff_over_quota"
    message = _("The new booth allows fewer staff passes than this booking has: remove some first.")


class NotApproved(ExhibitorsError):
    code = "not_approved"
    message = _("Staff passes can be added only to an approved booking.")


class LeadScanNotAllowed(ExhibitorsError):
    code = "lead_scan_not_allowed"
    message = _("Your company has no approved booth at this event: it cannot scan visitors there.")
    http_status = 403


class LeadBadgeInvalid(ExhibitorsError):
    code = "invalid_badge"
    message = _("This code is not a badge of the forum. Nothing was saved.")


class LeadWrongEvent(ExhibitorsError):
    code = "wrong_event"
    message = _("This badge is for another event. Nothing was saved.")


class LeadBadgeRevoked(ExhibitorsError):
    code = "badge_revoked"
    message = _(
        "This badge is no longer valid (its registration was cancelled). Nothing was saved."
    )


class LeadBadgeNotConfirmed(ExhibitorsError):
    code = "badge_not_confirmed"
    message = _("This visitor's registration is not confirmed yet. Nothing was saved.")


class LeadScanRateLimited(ExhibitorsError):
    code = "rate_limited"
    message = _("You are scanning too fast. Slow down and try again in a moment.")
    http_status = 429

    def __init__(self, retry_after: int = 0):
        super().__init__()
        self.retry_after = retry_after


class LeadAnonymised(ExhibitorsError):
    code = "lead_anonymised"
    message = _("This visitor's personal data was deleted: the lead can no longer be changed.")


class LeadInvalidDetails(ExhibitorsError):
    code = "invalid_lead"
    message = _("The rating is 1 to 5, a note at most 2000 characters, at most 10 tags of 30.")


class NoBadgeCode(ExhibitorsError):
    code = "no_code"
    message = _("Scan or type a badge code.")


class PlanInvalid(ExhibitorsError):
    """The floor plan, as asked, is impossible; ``problems`` lists why (each translated)."""

    code = "plan_invalid"
    message = _("The floor plan was not saved.")

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(" ".join([str(self.message), *self.problems]))
