"""The base domain error of every app, and the one JSON shape of every JSON error.

A domain error carries a stable ``code`` (machines read it) and a translated ``message``
(people read it); ``http_status`` is what a JSON endpoint answers for it. Every JSON error of
the product has the scanner contract's shape: ``{"status": "error", "reason": <code>,
"message": <translated text>, …}``.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    message = _("The request could not be completed.")
    http_status = 400

    def __init__(self, message=None, *, code: str | None = None):
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        super().__init__(str(self.message))


def json_error(reason: str, message, status: int, **extra) -> JsonResponse:
    """The JSON answer of a refused request: ``reason`` (a stable code), the translated
    ``message`` and any ``extra`` fields. A 401 names its Bearer realm."""
    response = JsonResponse(
        {"status": "error", "reason": reason, "message": str(message), **extra}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="checkin"'
    return response


def domain_error_json(error: DomainError, **extra) -> JsonResponse:
    """``json_error`` for a domain error, with its own code, message and status."""
    return json_error(error.code, error.message, getattr(error, "http_status", 400), **extra)
