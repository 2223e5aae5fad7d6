"""Domain errors of the proceedings: a stable ``code`` and a translated message."""

from django.utils.translation import gettext_lazy as _


class ProceedingsError(Exception):
    code = "error"
    message = _("The proceedings could not be built.")

    def __init__(self, message=None, *, code: str | None = None):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


class BuildAlreadyRunning(ProceedingsError):
    code = "build_running"
    message = _("A build of these proceedings is already running.")


class BuildNotPublishable(ProceedingsError):
    code = "build_not_publishable"
    message = _("Only a finished build can be published.")


class NothingToPrint(ProceedingsError):
    code = "no_sessions"
    message = _("The forum has no session to print: add sessions to its agenda first.")
