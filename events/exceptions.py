"""Domain errors of registration and check-in: a stable ``code`` and a translated message."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class EventsError(DomainError):
    """Base error of registration and check-in."""


# --- Check-in (the API turns ``http_status`` into the HTTP status of its JSON answer) ----------


class CheckInError(EventsError):
    code = "checkin_error"
    message = _("The check-in request could not be completed.")
    http_status = 400


class BadCheckInRequest(CheckInError):
    code = "bad_request"
    message = _("The request is malformed.")


class NonceUsedElsewhere(CheckInError):
    code = "nonce_used"
    message = _("This nonce was already used for another request: send a new one.")
    http_status = 409


class DeviceUnauthorized(CheckInError):
    code = "unauthorized"
    message = _("This device is unknown or has been revoked.")
    http_status = 401


class CheckInListNotFound(CheckInError):
    code = "not_found"
    message = _("This check-in list does not exist.")
    http_status = 404


class CheckInEventNotFound(CheckInError):
    code = "not_found"
    message = _("This event does not exist.")
    http_status = 404


class CheckInForbidden(CheckInError):
    code = "forbidden"
    message = _("This device or login may not use this check-in list.")
    http_status = 403


class CheckInNotFound(CheckInError):
    code = "not_found"
    message = _("This check-in does not exist.")
    http_status = 404


class BadgeNotFound(CheckInError):
    code = "not_found"
    message = _("No confirmed registration with this number.")
    http_status = 404


class CheckInRateLimited(CheckInError):
    """Too many requests of one kind from one device: answered 429 with ``Retry-After``."""

    code = "rate_limited"
    message = _("Too many requests from this device. Wait a moment and try again.")
    http_status = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__()


class SearchTooShort(CheckInError):
    code = "query_too_short"
    message = _("Type at least 3 letters or digits to search.")


class WalkinNotAllowed(CheckInError):
    code = "walkins_not_allowed"
    message = _("This device may not register walk-ins. The organizer can allow it.")
    http_status = 403


class NotAKiosk(CheckInError):
    code = "not_a_kiosk"
    message = _("Only a device paired as a self check-in kiosk may do this.")
    http_status = 403


class KioskCodeInvalid(CheckInError):
    code = "code_invalid"
    message = _(
        "This email and code do not match a registration: check the code in your confirmation"
        " email, or ask at the desk."
    )
    http_status = 400


class KioskPrintExpired(CheckInError):
    code = "print_expired"
    message = _("This badge can no longer be printed from here: check in again.")
    http_status = 410


class WalkinCategoryNotAllowed(CheckInError):
    code = "category_not_allowed"
    message = _("Walk-ins can only join a public category that this list admits.")
    http_status = 403


class CheckInAlreadyAnnulled(CheckInError):
    code = "already_annulled"
    message = _("This check-in has already been undone.")
    http_status = 409


class CheckInListInvalid(CheckInError):
    code = "checkin_list_invalid"
    message = _("This check-in list is not valid.")


class CheckInListForeignCategories(CheckInListInvalid):
    code = "categories_of_another_event"

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            _("These categories belong to another event: %(names)s") % {"names": ", ".join(names)}
        )


class CheckInListClosesBeforeOpening(CheckInListInvalid):
    code = "closes_before_opening"
    message = _("The list must close after it opens.")


class RegistrationClosed(EventsError):
    code = "registration_closed"
    message = _("Registration for this event is closed.")


class AlreadyRegistered(EventsError):
    code = "already_registered"
    message = _("This email address is already registered for this event.")


class InvalidInvitation(EventsError):
    code = "invalid_invitation"
    message = _("This invitation code is unknown or has already been used.")


class CategoryNotAvailable(EventsError):
    code = "category_not_available"
    message = _("This category is not open for registration.")


class ConsentRequired(EventsError):
    code = "consent_required"
    message = _("Consent to the processing of personal data is required to register.")


class InvalidDetails(EventsError):
    code = "invalid_details"
    message = _("Some details are missing or invalid.")


# What exactly was wrong (the CSV import reports it per row); the code and message stay those of
# InvalidDetails.
class MissingName(InvalidDetails):
    pass


class DetailTooLong(InvalidDetails):
    pass


class InvalidEmail(InvalidDetails):
    pass


class InvalidPhone(EventsError):
    code = "invalid_phone"
    message = _("Enter a valid phone number, such as 0912 345 678 or +84 912 345 678.")


class ConfirmationLinkInvalid(EventsError):
    code = "confirmation_link_invalid"
    message = _("This confirmation link is invalid.")


class ConfirmationLinkExpired(EventsError):
    code = "confirmation_link_expired"
    message = _("This confirmation link has expired. Please register again.")


class ConfirmationLinkUsed(EventsError):
    code = "confirmation_link_used"
    message = _("This confirmation link has already been used.")

    def __init__(self, message=None, *, registration=None):
        super().__init__(message)
        #: The registration the link already confirmed, if known.
        self.registration = registration


class InvalidTransition(EventsError):
    code = "invalid_transition"
    message = _("This action is not possible for a registration in its current status.")


class BadgeBatchNotRetryable(EventsError):
    code = "badge_batch_not_retryable"
    http_status = 409
    message = _("Only failed badge sheets, or sheets whose build stopped, can be built again.")


# --- Certificates of attendance ----------------------------------------------------------------


class NoCertificateLists(EventsError):
    code = "no_certificate_lists"
    message = _(
        "No check-in list of this event counts for the certificate: tick “counts for the "
        "certificate of attendance” on the lists that do."
    )


# --- Announcements ----------------------------------------------------------------------------


class AnnouncementError(EventsError):
    code = "announcement_error"
    message = _("This announcement could not be sent.")


class AnnouncementAlreadySent(AnnouncementError):
    code = "already_sent"
    message = _("This announcement has already been sent.")


class AnnouncementNoRecipients(AnnouncementError):
    code = "no_recipients"
    message = _("Nobody matches this announcement's recipients: nothing was sent.")


class AnnouncementRecipientsChanged(AnnouncementError):
    code = "recipients_changed"
    message = _(
        "The number of recipients changed since you checked it: look at the new number and "
        "send again."
    )


class AnnouncementNotRetryable(AnnouncementError):
    code = "not_retryable"
    message = _("Only an announcement that failed or stopped can be sent again.")


class AnnouncementListOfAnotherEvent(AnnouncementError):
    code = "list_of_another_event"
    message = _("Choose categories and a check-in list of the announcement's event.")


class UnsubscribeLinkInvalid(EventsError):
    code = "unsubscribe_link_invalid"
    message = _("This unsubscribe link is not valid. Copy the whole link from the email.")
    http_status = 404


class InvalidAnswer(InvalidDetails):
    """An answer to one of the event's own questions is missing or invalid: the message names
    the question (the CSV import reports it per row, the scanner shows it)."""

    code = "invalid_answer"

    def __init__(self, question: str, problem):
        self.question = question
        message = _("“%(question)s”: %(problem)s") % {"question": question, "problem": problem}
        super().__init__(message)
