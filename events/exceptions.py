"""Domain errors of registration and check-in: a stable ``code`` and a translated message."""

from django.utils.translation import gettext_lazy as _


class EventsError(Exception):
    code = "error"
    message = _("The request could not be completed.")

    def __init__(self, message=None, *, code: str | None = None):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


# --- Check-in (the API turns ``http_status`` into the HTTP status of its JSON answer) ----------


class CheckInError(EventsError):
    code = "checkin_error"
    message = _("The check-in request could not be completed.")
    http_status = 400


class BadCheckInRequest(CheckInError):
    code = "bad_request"
    message = _("The request is malformed.")


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


class CheckInAlreadyAnnulled(CheckInError):
    code = "already_annulled"
    message = _("This check-in has already been undone.")
    http_status = 409


class RegistrationClosed(EventsError):
    code = "registration_closed"
    message = _("Registration for this event is closed.")


class AlreadyRegistered(EventsError):
    code = "already_registered"
    message = _("This email address is already registered for this event.")


class InvalidInvitation(EventsError):
    code = "invalid_invitation"
    message = _("This invitation code is unknown or has already been used.")
