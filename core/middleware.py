"""Middleware every request passes: what a stranger can send never reaches a view as a 500, and a
database that is down answers 503 with ``Retry-After``, never a 500 or a hang.

- ``RefuseControlCharactersMiddleware``: a path or query string with a control character
  (``%00``) is a 400 before any view looks it up.
- ``DatabaseUnavailableMiddleware`` (early in ``MIDDLEWARE``) turns a ``django.db``
  ``OperationalError`` or ``InterfaceError`` raised by a view into a 503: the friendly translated
  page ``503.html`` (rendered without the database: no context processors), or on ``/api/`` the
  one JSON error shape with ``reason`` "unavailable". ``server_error`` (``handler500``) does the
  same for an error raised in a middleware, outside any view.
"""

import logging
import re
import sys
from urllib.parse import unquote

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from core.errors import json_error

#: NUL and the other C0 control characters: no URL of ours has them, PostgreSQL refuses NUL in
#: any text (a 500 in whichever view looked the value up).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RefuseControlCharactersMiddleware:
    """Answer 400 to a path or query string holding a control character (``%00`` and the like),
    before any view looks it up in the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if _CONTROL.search(request.path) or (
            "%" in query and _CONTROL.search(unquote(query.replace("+", " ")))
        ):
            message = _("The address holds characters that no page of this site has.")
            if request.path.startswith("/api/"):
                return json_error("bad_request", message, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


logger = logging.getLogger("forumhall.database")

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def unavailable_response(request) -> HttpResponse:
    """The 503 answer: JSON on /api/, the friendly page elsewhere; with ``Retry-After``."""
    if request.path.startswith("/api/"):
        response = json_error(
            "unavailable",
            _("The service is briefly unavailable. Please try again in a moment."),
            503,
            retry_after=RETRY_AFTER_SECONDS,
        )
    else:
        html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable: %r", exception)
            return unavailable_response(request)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: a database error raised outside a view is a 503 too."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        logger.error("Database unavailable: %r", error)
        return unavailable_response(request)
    return defaults.server_error(request, template_name)
