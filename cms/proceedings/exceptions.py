"""Domain errors of the proceedings: a stable ``code`` and a translated message."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class ProceedingsError(DomainError):
    """Base error of the proceedings (the events' shape: a stable ``code`` and a translated
    ``message``)."""

    code = "error"
    message = _("The proceedings could not be built.")


class BuildAlreadyRunning(ProceedingsError):
    code = "build_running"
    message = _("A build of these proceedings is already running.")


class BuildNotPublishable(ProceedingsError):
    code = "build_not_publishable"
    message = _("Only a finished build can be published.")


class NothingToPrint(ProceedingsError):
    code = "no_sessions"
    message = _("The forum has no session to print: add sessions to its agenda first.")


class BuildNotStuck(ProceedingsError):
    code = "build_not_stuck"
    message = _(
        "Only a build whose worker stopped can be taken up again: start a new build instead."
    )
