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


class RegistrationClosed(EventsError):
    code = "registration_closed"
    message = _("Registration for this event is closed.")


class AlreadyRegistered(EventsError):
    code = "already_registered"
    message = _("This email address is already registered for this event.")


class InvalidInvitation(EventsError):
    code = "invalid_invitation"
    message = _("This invitation code is unknown or has already been used.")
